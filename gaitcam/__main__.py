import sys

from gaitcam.cli import main

sys.exit(main())
