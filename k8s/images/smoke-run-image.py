#!/usr/bin/env python3
"""Starts an image tarball (the `docker save` format Jib writes) without a container engine and asks its
health endpoints, to check that what was built really runs: as the image's user, from its entrypoint,
environment and working directory, on a read-only root with a tmpfs /tmp (as k8s/ runs the services).

    sudo k8s/images/smoke-run-image.py IMAGE.tar --port 18181 [--wait 60] [-e NAME=VALUE ...]

Needs root (mount namespace, chroot). It is a smoke run, not a container runtime: no network, PID or
cgroup isolation beyond a mount and PID namespace; the service shares the host's network (hence --port,
passed as QUARKUS_HTTP_PORT). Exit 0 if /q/health/live answered with a health document (200 UP, or 503
DOWN, e.g. with no broker to reach) within --wait seconds.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request


def extract(image, root):
    with tarfile.open(image) as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        config = json.load(t.extractfile(manifest["Config"]))
        for layer in manifest["Layers"]:
            with tarfile.open(fileobj=t.extractfile(layer)) as lt:  # gzip or plain
                lt.extractall(root, numeric_owner=True, filter="fully_trusted")
    return config["config"]


def inner(args):
    """In the new mount and PID namespace: read-only root, /proc, tmpfs /tmp, then the entrypoint."""
    root, cfg = args.root, json.loads(args.config)
    for cmd in (["mount", "--bind", root, root], ["mount", "-o", "remount,ro,bind", root],
                ["mount", "-t", "proc", "proc", root + "/proc"], ["mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", root + "/tmp"]):
        subprocess.run(cmd, check=True)
    env = dict(e.split("=", 1) for e in cfg.get("Env") or [])
    env.update(dict(e.split("=", 1) for e in args.env))
    user = (cfg.get("User") or "0").split(":")
    uid = int(user[0])
    gid = int(user[1]) if len(user) > 1 else uid
    argv = (cfg.get("Entrypoint") or []) + (cfg.get("Cmd") or [])
    pid = os.fork()
    if pid == 0:
        os.chroot(root)
        os.chdir(cfg.get("WorkingDir") or "/")
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        path = env.get("PATH", "/usr/bin:/bin").split(":")
        exe = argv[0] if "/" in argv[0] else next((os.path.join(p, argv[0]) for p in path if os.path.exists(os.path.join(p, argv[0]))), argv[0])
        os.execve(exe, argv, env)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return None, ""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("image")
    p.add_argument("--port", type=int, default=18181)
    p.add_argument("--wait", type=int, default=60)
    p.add_argument("-e", "--env", action="append", default=[])
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--root", help=argparse.SUPPRESS)
    p.add_argument("--config", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.inner:
        inner(args)
        return
    work = tempfile.mkdtemp(prefix="smoke-run-")
    try:
        root = os.path.join(work, "rootfs")
        os.makedirs(root)
        cfg = extract(args.image, root)
        print(f"image user {cfg.get('User')!r}, entrypoint {cfg.get('Entrypoint')}, working dir {cfg.get('WorkingDir')}")
        env = args.env + [f"QUARKUS_HTTP_PORT={args.port}"]
        log = open(os.path.join(work, "service.log"), "w")
        proc = subprocess.Popen(["unshare", "--mount", "--pid", "--fork", "--kill-child", sys.executable, os.path.abspath(__file__), "--inner",
                                 "--root", root, "--config", json.dumps(cfg), args.image] + [a for e in env for a in ("-e", e)],
                                stdout=log, stderr=subprocess.STDOUT)
        argv_of_image = (cfg.get("Entrypoint") or []) + (cfg.get("Cmd") or [])
        base = f"http://127.0.0.1:{args.port}"
        live = None
        deadline = time.time() + args.wait
        body = ""
        while time.time() < deadline and proc.poll() is None:
            live, body = get(base + "/q/health/live")
            if live == 200:
                break
            time.sleep(1)
        # a 503 with a health document is an answer too: the service runs and reports DOWN (e.g. no broker)
        ready, ready_body = get(base + "/q/health/ready")
        while live == 200 and ready != 200 and time.time() < deadline and proc.poll() is None:
            time.sleep(1)
            ready, ready_body = get(base + "/q/health/ready")
        print(f"GET /q/health/live -> {live} {body.strip()[:300]}")
        print(f"GET /q/health/ready -> {ready} {ready_body.strip()[:300]}")
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
                if cmdline.strip() == " ".join(argv_of_image):
                    uid = next(l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("Uid:"))
                    print(f"process {pid} runs as uid {uid}: {cmdline.strip()[:140]}")
            except OSError:
                pass
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        with open(os.path.join(work, "service.log")) as f:
            lines = f.read().splitlines()
        print("--- first lines of the service's log ---")
        print("\n".join(lines[:12]))
        sys.exit(0 if live in (200, 503) and '"status"' in body else 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
