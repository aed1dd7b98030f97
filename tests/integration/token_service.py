#!/usr/bin/python3
"""A minimal Docker registry token service, for tests only (docker-registry's
`auth: token` points its realm here).

usage: token_service.py PORT KEY_PEM CERT_PEM ISSUER USERS_JSON LOG

- GET /token?service=S&scope=...&account=U with Basic credentials (OAuth2 "GET" form)
- POST /token, form grant_type=password (username/password) or
  grant_type=refresh_token (refresh_token = an identity token from USERS_JSON)
USERS_JSON: {"users": {"name": "password"}, "refresh_tokens": {"token": "name"},
"pull_only": ["name"]}.
Valid credentials get every action they ask for, except that users listed in
pull_only get only "pull" (as a public registry answers an account that may read
a repository but not write it); anonymous requests and bad credentials get 401. Every request is appended to LOG as one JSON line
(method, grant, account, scopes; never secrets).
Tokens are RS256 JWTs with the signing certificate in the x5c header, which
docker-registry checks against its rootcertbundle (the same certificate).
"""
import base64
import json
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

PORT, KEY, CERT, ISSUER, USERS, LOG = sys.argv[1:7]
with open(KEY, "rb") as f:
    PRIVATE_KEY = serialization.load_pem_private_key(f.read(), password=None)
with open(CERT, "rb") as f:
    CERT_DER = x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)
with open(USERS) as f:
    DB = json.load(f)
LOCK = threading.Lock()


def log(entry):
    with LOCK, open(LOG, "a") as f:
        f.write(json.dumps(entry) + "\n")


def access_of(scopes, account):
    pull_only = account in DB.get("pull_only", [])
    out = []
    for scope in scopes:
        parts = scope.split(":")
        if len(parts) < 3:
            continue
        actions = [a for a in parts[-1].split(",") if not pull_only or a == "pull"]
        out.append({"type": parts[0], "name": ":".join(parts[1:-1]), "actions": actions})
    return out


def make_token(service, account, scopes):
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": account, "aud": service, "exp": now + 300, "nbf": now - 10, "iat": now,
              "jti": uuid.uuid4().hex, "access": access_of(scopes, account)}
    headers = {"x5c": [base64.b64encode(CERT_DER).decode()]}
    return jwt.encode(claims, PRIVATE_KEY, algorithm="RS256", headers=headers)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def basic_user(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return None
        return user if DB["users"].get(user) == password else False

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        scopes = query.get("scope", [])
        user = self.basic_user()
        log({"method": "GET", "account": query.get("account", [None])[0], "scopes": scopes,
             "authorized": bool(user)})
        if not user:
            return self.answer(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad or missing credentials"}]})
        self.answer(200, {"token": make_token(query.get("service", [""])[0], user, scopes), "expires_in": 300})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        grant = form.get("grant_type", [""])[0]
        scopes = " ".join(form.get("scope", [])).split()
        user = None
        if grant == "refresh_token":
            user = DB.get("refresh_tokens", {}).get(form.get("refresh_token", [""])[0])
        elif grant == "password":
            name = form.get("username", [""])[0]
            user = name if DB["users"].get(name) == form.get("password", [""])[0] else None
        log({"method": "POST", "grant": grant, "client_id": form.get("client_id", [None])[0], "scopes": scopes,
             "authorized": bool(user)})
        if not user:
            return self.answer(401, {"error": "invalid_grant"})
        self.answer(200, {"access_token": make_token(form.get("service", [""])[0], user, scopes), "expires_in": 300})


ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
