"""Build the offline MediaPipe PoseLandmarker bundles (.task) from registry packages.

MediaPipe's Python wheel ships no pose model and the usual model download is unreachable here, so
the bundles are assembled from two Apache-2.0 packages on the ordinary registries:

- npm  `@mediapipe/pose@0.5.1675469404`: pose_landmark_{lite,full,heavy}.tflite (landmark models)
- PyPI `mediapipe==0.10.21` wheel: mediapipe/modules/pose_detection/pose_detection.tflite (detector)

Each model gets image-input metadata (NormalizationOptions, which the Tasks API requires for float
inputs), then detector + landmark model are stored in an uncompressed, 4-byte-aligned zip with
fixed timestamps, so two builds give byte-identical files.

    python models/build_models.py            # (re)build into models/
    python models/build_models.py --check    # rebuild in a temp dir, compare with the hashes
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import types
import zipfile
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
PYPI_REQUIREMENT = "mediapipe==0.10.21"
DETECTOR_MEMBER = "mediapipe/modules/pose_detection/pose_detection.tflite"
VARIANTS = ("lite", "full", "heavy")

# sha256 of the raw inputs, so a changed registry artefact is caught before anything is written.
SOURCE_SHA256 = {
    "pose_detection.tflite": "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",  # noqa: E501
    "pose_landmark_lite.tflite": "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",  # noqa: E501
    "pose_landmark_full.tflite": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",  # noqa: E501
    "pose_landmark_heavy.tflite": "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",  # noqa: E501
}

# Input normalisation (pixel - mean) / std: the detector expects [-1, 1], the landmark model [0, 1].
DETECTOR_NORM = (127.5, 127.5)
LANDMARKS_NORM = (0.0, 255.0)

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # earliest zip date: no build time leaks into the bundle
ZIP_ALIGNMENT = 4


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _run(cmd: list[str], cwd: Path) -> None:
    print("  $", " ".join(cmd), flush=True)
    try:
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise SystemExit(f"{cmd[0]} is not installed; it is needed to fetch the models") from exc
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"command failed (exit {exc.returncode}): {' '.join(cmd)}") from exc


def fetch_landmark_models(work: Path) -> dict[str, bytes]:
    """Download the npm package with `npm pack` and return {file name: bytes} of the 3 models."""
    _run(["npm", "pack", "--silent", NPM_PACKAGE], cwd=work)
    tarballs = sorted(work.glob("mediapipe-pose-*.tgz"))
    if len(tarballs) != 1:
        raise SystemExit(f"npm pack did not produce one tarball in {work}")
    out = {}
    with tarfile.open(tarballs[0]) as tar:
        for variant in VARIANTS:
            name = f"pose_landmark_{variant}.tflite"
            member = tar.extractfile(f"package/{name}")
            if member is None:
                raise SystemExit(f"{name} missing from {NPM_PACKAGE}")
            out[name] = member.read()
    return out


def fetch_detector_model(work: Path) -> bytes:
    """Download the mediapipe wheel with `pip download` and return the pose detector's bytes."""
    wheel_dir = work / "wheel"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            PYPI_REQUIREMENT,
            "-d",
            str(wheel_dir),
        ],
        cwd=work,
    )
    wheels = sorted(wheel_dir.glob("mediapipe-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"pip download did not produce one wheel in {wheel_dir}")
    with zipfile.ZipFile(wheels[0]) as whl:
        return whl.read(DETECTOR_MEMBER)


@functools.cache
def _import_metadata_writers() -> tuple[types.ModuleType, types.ModuleType]:
    """Import mediapipe's metadata writer modules (call once early: the import pins its caller's
    frame, so a frame holding MetadataWriter objects would outlive the build).

    mediapipe 1.2.3's metadata.py imports a compiled helper that the wheel does not ship; it only
    computes the minimum metadata parser version. Image input with normalisation needs the
    baseline parser, "1.0.0", so a stand-in returning that is registered when the helper is absent.
    """
    name = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        __import__(name)
    except ImportError:
        parts = name.split(".")
        for i in range(3, len(parts) + 1):  # mediapipe.tasks.cc ... _pywrap_metadata_version
            qual = ".".join(parts[:i])
            if qual not in sys.modules:
                mod = types.ModuleType(qual)
                mod.__path__ = []  # type: ignore[attr-defined]
                sys.modules[qual] = mod
                setattr(sys.modules[".".join(parts[: i - 1])], parts[i - 1], mod)
        sys.modules[name].GetMinimumMetadataParserVersion = lambda buf: "1.0.0"  # type: ignore[attr-defined]

    from mediapipe.tasks.python.metadata import metadata
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    return metadata, metadata_writer


def add_image_metadata(model: bytes, name: str, description: str, mean: float, std: float) -> bytes:
    """Return `model` with TFLite metadata: general info and one normalised RGB image input."""
    metadata, metadata_writer = _import_metadata_writers()
    writer = (
        metadata_writer.MetadataWriter.create(bytearray(model))
        .add_general_info(name, description)
        .add_image_input(norm_mean=[mean], norm_std=[std])
    )
    # MetadataWriter.populate() also runs the displayer, which needs more missing compiled code;
    # build the same metadata buffer and let MetadataPopulator write it.
    buf = metadata_writer._create_metadata_buffer(
        model_buffer=bytearray(model),
        general_md=writer._general_md,
        input_md=writer._input_mds,
    )
    populator = metadata.MetadataPopulator.with_model_buffer(bytearray(model))
    populator.load_metadata_buffer(buf)
    populator.populate()
    return bytes(populator.get_model_buffer())


def write_bundle(files: dict[str, bytes], path: Path) -> None:
    """Write an uncompressed, 4-byte-aligned zip with fixed metadata (a MediaPipe .task bundle)."""
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils as mabu

    tmp = path.with_suffix(path.suffix + ".tmp")
    with mabu.AlignZipFile(tmp, mode="w", alignment=ZIP_ALIGNMENT) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix, whatever the build platform
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(path)


def build(out_dir: Path) -> dict[str, str]:
    """Download, check, annotate and bundle; return {bundle file name: sha256}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gaitcam-models-") as tmp:
        work = Path(tmp)
        print(f"Fetching landmark models from npm ({NPM_PACKAGE})")
        sources = fetch_landmark_models(work)
        print(f"Fetching the pose detector from PyPI ({PYPI_REQUIREMENT} wheel, {DETECTOR_MEMBER})")
        sources["pose_detection.tflite"] = fetch_detector_model(work)

    for name, data in sources.items():
        digest = sha256_bytes(data)
        if digest != SOURCE_SHA256[name]:
            raise SystemExit(
                f"{name}: sha256 {digest} differs from the pinned {SOURCE_SHA256[name]}; "
                "the registry artefact changed, refusing to build."
            )
        print(f"  ok  {name:28s} {len(data):>10,d} B  sha256 {digest[:16]}...")

    print(
        f"Adding image-input metadata (detector mean/std {DETECTOR_NORM}, "
        f"landmarks mean/std {LANDMARKS_NORM})"
    )
    detector = add_image_metadata(
        sources["pose_detection.tflite"],
        "Pose detector",
        "BlazePose person detector (224x224 RGB) from mediapipe 0.10.21.",
        *DETECTOR_NORM,
    )
    hashes = {}
    for variant in VARIANTS:
        landmarks = add_image_metadata(
            sources[f"pose_landmark_{variant}.tflite"],
            f"Pose landmarks detector ({variant})",
            f"BlazePose GHUM 3D {variant} landmark model (256x256 RGB, 33 landmarks) "
            f"from {NPM_PACKAGE}.",
            *LANDMARKS_NORM,
        )
        path = out_dir / f"pose_landmarker_{variant}.task"
        write_bundle(
            {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmarks}, path
        )
        hashes[path.name] = sha256_file(path)
        print(f"  wrote {path}  {path.stat().st_size:>10,d} B  sha256 {hashes[path.name]}")
    return hashes


def expected_hashes() -> dict[str, str]:
    """The committed bundle hashes, read from gaitcam.models (single source of truth)."""
    sys.path.insert(0, str(MODELS_DIR.parent))
    from gaitcam.models import MODEL_SHA256

    return dict(MODEL_SHA256)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="output folder (models/)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild into a temp dir and compare with the hashes in gaitcam/models.py",
    )
    args = parser.parse_args(argv)
    _import_metadata_writers()

    if not args.check:
        build(args.out)
        print(
            "Done. If the hashes changed, update MODEL_SHA256 in gaitcam/models.py and "
            "models/README.md."
        )
        return 0

    expected = expected_hashes()
    with tempfile.TemporaryDirectory(prefix="gaitcam-models-check-") as tmp:
        built = build(Path(tmp))
    bad = [name for name in expected if built.get(name) != expected[name]]
    for name in sorted(expected):
        status = "MISMATCH" if name in bad else "ok"
        print(f"  {status:8s} {name}  expected {expected[name]}  built {built.get(name)}")
    if bad:
        print(f"check failed: {len(bad)} bundle(s) differ from gaitcam/models.py")
        return 1
    print("check passed: rebuilt bundles are byte-identical to the committed hashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
