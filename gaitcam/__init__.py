"""gaitcam: check a runner's form from ordinary video, fully offline.

Data flows one way: video -> PoseSequence -> gait events -> metrics -> findings -> rendering/UI.
"""

__version__ = "0.1.0"
