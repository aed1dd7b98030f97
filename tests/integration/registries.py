"""Extra registries for the registry client tests (stdlib only), each a real Debian
docker-registry on a free loopback port, started by the test that needs it and stopped
by pid (the Popen object) when its class ends:
  - plain HTTP, no auth
  - TLS (a test CA made with openssl) + htpasswd Basic auth
  - plain HTTP + token auth, with token_service.py as the realm
and fault_proxy.py in front of any of them (counting requests, injecting faults).
"""
import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import ssl

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
USER, PASSWORD = "v2d-user", "v2d-pass-Secret1"
REFRESH_TOKEN = "v2d-refresh-token-Secret2"
# An account the token service lets pull but never push.
READER, READER_PASSWORD = "v2d-reader", "v2d-reader-Secret5"


class SetupError(AssertionError):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        raise SetupError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p.stdout


def make_ca(folder):
    """A CA and a server certificate for 127.0.0.1/localhost; returns (ca.crt, srv.crt, srv.key)."""
    # ca.crt alone in certs/: skopeo's --cert-dir reads every *.key there as a client key.
    os.makedirs(os.path.join(folder, "certs"), exist_ok=True)
    ca_key, ca_crt = os.path.join(folder, "ca.key"), os.path.join(folder, "certs", "ca.crt")
    key, csr, crt = (os.path.join(folder, n) for n in ("srv.key", "srv.csr", "srv.crt"))
    ext = os.path.join(folder, "srv.ext")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_crt, "-days", "2",
         "-subj", "/CN=venv2docker test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"])
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-out", crt,
         "-days", "2", "-extfile", ext])
    return ca_crt, crt, key


def _wait_http(url, proc, log, context=None, ok=(200, 401)):
    for _ in range(100):
        if proc.poll() is not None:
            with open(log) as f:
                raise SetupError(f"{url}: the server exited during start-up:\n{f.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as r:
                if r.status in ok:
                    return
        except urllib.error.HTTPError as e:
            if e.code in ok:
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    with open(log) as f:
        raise SetupError(f"{url} did not answer within 20 s:\n{f.read()[-3000:]}")


class Service:
    """A process we started; stop() ends it by its pid."""

    def __init__(self, proc, port, log, folder):
        self.proc, self.port, self.log, self.folder = proc, port, log, folder

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _spawn(cmd, log):
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True)


def start_registry(folder, tls=None, htpasswd=False, token=None):
    """docker-registry on a free port. tls: (crt, key); token: dict(realm, service, issuer, cert)."""
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    http = {"addr": f"127.0.0.1:{port}", "secret": "v2d-test-only"}
    if tls:
        http["tls"] = {"certificate": tls[0], "key": tls[1]}
    config = {"version": "0.1", "log": {"level": "info"},
              "storage": {"filesystem": {"rootdirectory": os.path.join(folder, "data")}, "delete": {"enabled": True}},
              "http": http}
    if htpasswd:
        path = os.path.join(folder, "htpasswd")
        with open(path, "w") as f:
            f.write(run(["htpasswd", "-Bbn", USER, PASSWORD]))
        config["auth"] = {"htpasswd": {"realm": "v2d-test", "path": path}}
    if token:
        config["auth"] = {"token": {"realm": token["realm"], "service": token["service"], "issuer": token["issuer"],
                                    "rootcertbundle": token["cert"]}}
    cfg = os.path.join(folder, "config.yml")
    with open(cfg, "w") as f:
        json.dump(config, f)  # JSON is YAML
    log = os.path.join(folder, "registry.log")
    proc = _spawn(["docker-registry", "serve", cfg], log)
    context = None
    if tls:
        context = ssl.create_default_context(cafile=os.path.join(os.path.dirname(tls[0]), "certs", "ca.crt"))
    _wait_http(f"{'https' if tls else 'http'}://127.0.0.1:{port}/v2/", proc, log, context)
    return Service(proc, port, log, folder)


def start_token_service(folder):
    """token_service.py on a free port; returns (service, token config for start_registry)."""
    os.makedirs(folder, exist_ok=True)
    key, cert = os.path.join(folder, "token.key"), os.path.join(folder, "token.crt")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
         "-subj", "/CN=v2d token signer"])
    users = os.path.join(folder, "users.json")
    with open(users, "w") as f:
        json.dump({"users": {USER: PASSWORD, READER: READER_PASSWORD}, "refresh_tokens": {REFRESH_TOKEN: USER},
                   "pull_only": [READER]}, f)
    port = free_port()
    log = os.path.join(folder, "token.log")
    requests = os.path.join(folder, "requests.jsonl")
    proc = _spawn([PY, os.path.join(HERE, "token_service.py"), str(port), key, cert, "v2d-issuer", users, requests], log)
    _wait_http(f"http://127.0.0.1:{port}/token", proc, log, ok=(200, 401))
    service = Service(proc, port, log, folder)
    service.requests = requests
    return service, {"realm": f"http://127.0.0.1:{port}/token", "service": "v2d-registry", "issuer": "v2d-issuer",
                     "cert": cert}


def start_proxy(folder, upstream, probe="/v2/", ok=(200, 401)):
    """fault_proxy.py in front of `upstream` (host:port); set_plan() changes its faults.
    `probe` is a path the upstream answers with one of `ok` once the proxy is up."""
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    plan, requests, log = (os.path.join(folder, n) for n in ("plan.json", "requests.jsonl", "proxy.log"))
    with open(plan, "w") as f:
        json.dump({}, f)
    proc = _spawn([PY, os.path.join(HERE, "fault_proxy.py"), str(port), upstream, plan, requests], log)
    _wait_http(f"http://127.0.0.1:{port}{probe}", proc, log, ok=ok)
    service = Service(proc, port, log, folder)
    service.plan, service.requests = plan, requests
    return service


def set_plan(proxy, plan):
    with open(proxy.plan, "w") as f:
        json.dump(plan, f)


def read_log(path):
    """The JSON lines logged so far, then empties the log."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    open(path, "w").close()
    return entries


def basic_header():
    return "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


# ---------------------------------------------------------------------- raw registry writes

def put_blob(base_url, repo, data):
    """Uploads bytes as a blob (POST then PUT ?digest=) to a plain, auth-less registry."""
    import hashlib
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    req = urllib.request.Request(f"{base_url}/v2/{repo}/blobs/uploads/", method="POST", data=b"")
    with urllib.request.urlopen(req) as r:
        location = r.headers["Location"]
    if location.startswith("/"):
        location = base_url + location
    sep = "&" if "?" in location else "?"
    req = urllib.request.Request(f"{location}{sep}digest={digest}", method="PUT", data=data,
                                 headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(req) as r:
        assert r.status == 201, r.status
    return digest


def put_manifest(base_url, repo, ref, data, media_type):
    import hashlib
    req = urllib.request.Request(f"{base_url}/v2/{repo}/manifests/{ref}", method="PUT", data=data,
                                 headers={"Content-Type": media_type})
    with urllib.request.urlopen(req) as r:
        assert r.status == 201, r.status
    return "sha256:" + hashlib.sha256(data).hexdigest()


def get_json(base_url, path, accept=None):
    req = urllib.request.Request(base_url + path, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read()), r.headers
