"""The one model-pack writer of native-models/training: manifest.json with every file's sha256.

    from packs import write_manifest      (scripts put native-models/training on sys.path;
                                           lesion3d, a package, imports it the same way)
    write_manifest(pack_dir, manifest)    # manifest["files"]: [{"path": ..., "role": ...}, ...]

The app refuses a pack whose files do not match their sha256 (main/services/inference/registry.ts),
so the hash is always computed here, from the bytes on disk, after the files are written."""
import hashlib
import json
import os


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(pack_dir, manifest):
    """Fills files[].sha256 from pack_dir and writes pack_dir/manifest.json (2-space JSON, final newline).
    Returns the manifest as written."""
    files = []
    for entry in manifest["files"]:
        p = os.path.join(pack_dir, entry["path"])
        if not os.path.isfile(p):
            raise FileNotFoundError(f"pack file missing: {p}")
        files.append({"path": entry["path"], "sha256": sha256_of(p), "role": entry["role"]})
    out = dict(manifest, files=files)
    tmp = os.path.join(pack_dir, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(pack_dir, "manifest.json"))
    return out
