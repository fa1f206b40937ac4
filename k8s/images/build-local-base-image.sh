#!/usr/bin/env bash
# A minimal Java base image made from this machine's own parts, for building the services' images with
# Jib where no registry can be reached (Jib otherwise pulls its base image). NOT the production base:
# production images use registry.access.redhat.com/ubi9/openjdk-21-runtime (application.properties).
#
#   k8s/images/build-local-base-image.sh [OUT.tar]     (default: target/images/umbra-jre-base.tar)
#
# What goes in: a Java runtime linked by `jlink` from $JDK (Temurin 25 here: the services are Java 21
# bytecode), the few glibc files it loads (found with ldd, copied from this machine), /etc/passwd and
# /etc/group naming uid/gid 185 (the services' user, as in the UBI OpenJDK images), a 1777 /tmp. No
# shell, no package manager. Written as a `docker save` tarball (manifest.json, config, one layer), the
# format Jib reads for a base image given as tar://FILE. Files owned by root, read-only for uid 185.
set -euo pipefail

JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=${1:-target/images/umbra-jre-base.tar}
# Everything the services' libraries reach for (java.se: JDBC, JNDI, java.desktop's java.beans used by
# some reflection code), Netty's Unsafe, SCRAM/TLS providers, DNS, JMX for Micrometer's JVM metrics.
MODULES=${MODULES:-java.se,jdk.unsupported,jdk.crypto.cryptoki,jdk.naming.dns,jdk.management,jdk.zipfs,jdk.localedata}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
# /proc, /sys, /dev: mount points the container runtime fills (the loader resolves $ORIGIN through /proc)
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/home/umbra" "$root/proc" "$root/sys" "$root/dev"

"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --include-locales=en --output "$root/opt/java"

# the shared libraries the runtime's binaries and libraries load, with the loader itself; not those of
# the AWT/X11 and sound libraries, which a headless service never loads
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
     ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' ! -name 'libjawt.so' -print0 \
  | xargs -0 ldd 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib/{print $1}' | sort -u > "$work/libs"
# and what the services' own native libraries load from the system: RocksDB (Kafka Streams' state
# stores, in ingest- and alert-service) and the compression codecs need the C++ runtime
for extra in libstdc++.so.6 libgcc_s.so.1 libz.so.1; do
  ldconfig -p | awk -v l="$extra" '$1 == l && /x86-64/ {print $NF; exit}' >> "$work/libs"
done
while read -r lib; do
  [ -e "$lib" ] || continue
  case "$lib" in "$root"*) continue ;; esac
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done < "$work/libs"
# the loader's canonical path (/lib64 is a symlink to usr/lib64 on some systems)
if [ -e /lib64/ld-linux-x86-64.so.2 ] && [ ! -e "$root/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$root/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi

cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
umbra:x:185:185:Umbra service:/home/umbra:/sbin/nologin
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
umbra:x:185:
EOF
# glibc resolves names through files, then DNS (both built into libc since 2.34)
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"

mkdir -p "$(dirname "$OUT")"
python3 - "$root" "$OUT" "$JDK" "$MODULES" <<'PY'
import hashlib, io, json, os, sys, tarfile, time

root, out, jdk, modules = sys.argv[1:]
EPOCH = 0  # reproducible: same inputs, same layer digest

def add_tree(tar):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in [None] + sorted(filenames):
            path = dirpath if name is None else os.path.join(dirpath, name)
            arc = os.path.relpath(path, root)
            if arc == ".":
                continue
            info = tar.gettarinfo(path, arcname=arc)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = EPOCH
            if arc == "tmp":
                info.mode = 0o1777
            elif arc == "home/umbra":
                info.uid = info.gid = 185
                info.uname = info.gname = "umbra"
                info.mode = 0o750
            elif info.isdir():
                info.mode = 0o755
            elif info.isfile():
                info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
            if info.isfile():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)

layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    add_tree(t)
layer_bytes = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()

config = {
    "architecture": "amd64",
    "os": "linux",
    "created": "1970-01-01T00:00:00Z",
    "config": {
        "User": "185",
        "WorkingDir": "/home/umbra",
        "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
        "Labels": {"io.umbra.base": "local jlink runtime (" + os.path.basename(jdk) + ": " + modules + ")"},
    },
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "k8s/images/build-local-base-image.sh"}],
}
config_bytes = json.dumps(config, sort_keys=True).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
layer_name = diff_id.split(":")[1] + "/layer.tar"
manifest = [{"Config": config_name, "RepoTags": ["umbra/jre-base:local"], "Layers": [layer_name]}]

with tarfile.open(out, mode="w") as t:
    for name, data in [(config_name, config_bytes), (layer_name, layer_bytes),
                       ("manifest.json", json.dumps(manifest).encode())]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = EPOCH
        t.addfile(info, io.BytesIO(data))
print(f"{out}: {len(layer_bytes) // (1024 * 1024)} MiB layer {diff_id}")
PY
