# SPDX-License-Identifier: GPL-3.0-or-later
"""Client assertion checks of the token endpoint simulator, done for real.

A certificate assertion (a JWT whose header names an x5t or x5t#S256 thumbprint) is checked the
way Microsoft Entra ID documents it: the thumbprint must name a registered certificate, the
signature must verify against that certificate's public key (the `openssl` command does the
cryptography), the certificate must be within its validity window (notBefore to notAfter) at
the endpoint's time, aud must be the token URL, iss and sub the client ID, nbf/exp must hold the current
time and span at most 10 minutes, and the jti must not repeat. Any other assertion is a federated
token: a workload identity token, which must equal a registered one, or a managed identity token
issued by the simulator's identity endpoint for the token-exchange audience, which the app's
federated identity credential trusts when its issuer is
https://login.microsoftonline.com/<identity's tenant>/v2.0, its subject the identity's object ID
and its audience api://AzureADTokenExchange (Entra "Configure an application to trust a managed
identity").

verify() returns None when the assertion is good, else an AadError-like tuple
(status, error, code, description) with Microsoft's AADSTS codes and texts.
"""

import base64
import binascii
import hashlib
import json
import os
import ssl
import subprocess
import tempfile
import threading

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_LIFETIME = 600
CLOCK_SKEW = 300


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class RegisteredCertificate:
    """A certificate uploaded to the app registration: thumbprints and public key (PEM file)."""

    def __init__(self, pem_path, workdir):
        with open(pem_path) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        self.x5t = b64url(hashlib.sha1(der).digest())
        self.x5t_s256 = b64url(hashlib.sha256(der).digest())
        self.thumbprint_hex = hashlib.sha1(der).hexdigest().upper()
        self.pubkey = os.path.join(workdir, "pub-%s.pem" % self.thumbprint_hex)
        subprocess.run(["openssl", "x509", "-in", pem_path, "-pubkey", "-noout",
                        "-out", self.pubkey], check=True)
        dates = subprocess.run(["openssl", "x509", "-in", pem_path, "-noout", "-startdate",
                                "-enddate"], check=True, capture_output=True, text=True).stdout
        # "notBefore=Nov 28 12:00:00 2026 GMT", the form ssl.cert_time_to_seconds reads.
        fields = dict(line.split("=", 1) for line in dates.splitlines() if "=" in line)
        self.not_before = ssl.cert_time_to_seconds(fields["notBefore"])
        self.not_after = ssl.cert_time_to_seconds(fields["notAfter"])

    def within_window(self, now):
        return self.not_before <= now <= self.not_after


def openssl_verify(pubkey, alg, signing_input, signature):
    """True when `signature` over `signing_input` verifies with the public key."""
    args = ["openssl", "dgst", "-sha256", "-verify", pubkey]
    if alg == "PS256":
        args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]
    with tempfile.NamedTemporaryFile(prefix="sig-") as sig:
        sig.write(signature)
        sig.flush()
        p = subprocess.run(args + ["-signature", sig.name], input=signing_input,
                           capture_output=True, timeout=10)
    return p.returncode == 0 and b"Verified OK" in p.stdout


class AssertionChecker:
    def __init__(self, cert_paths, federated_paths, workdir):
        self.certs = [RegisteredCertificate(p, workdir) for p in cert_paths]
        self.federated_paths = list(federated_paths)
        self.seen_jti = set()
        self.lock = threading.Lock()
        self.checked = []  # header and claims of every assertion checked, for /_sim/log
        self.exchange_tokens = {}  # managed identity token -> its claims (identity_endpoint.py)
        self.trusted_identities = set()  # (issuer, subject) of the app's federated credentials

    def verify(self, form, token_url, client_id, now, tamper=False):
        if form.get("client_assertion_type") != JWT_BEARER:
            return (400, "invalid_request", 7000218,
                    "AADSTS7000218: The request body must contain the following parameter: "
                    "'client_assertion' or 'client_secret'.")
        assertion = form.get("client_assertion", "")
        parts = assertion.split(".")
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
            if len(parts) != 3 or not isinstance(header, dict) or not isinstance(claims, dict):
                raise ValueError("not a JWS")
        except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
            return (400, "invalid_request", 50027,
                    "AADSTS50027: JWT token is invalid or malformed.")
        if "x5t" not in header and "x5t#S256" not in header:
            return self.verify_federated(assertion)
        if tamper:  # a man in the middle changed one byte of the signed part
            signature = bytes([signature[0] ^ 1]) + signature[1:]
        return self.verify_certificate(header, claims, parts, signature, token_url, client_id,
                                       now)

    def verify_federated(self, assertion):
        with self.lock:
            claims = self.exchange_tokens.get(assertion)
        if claims is not None:
            # 700211 and 700212 come as invalid_client (Entra's answers quoted in
            # Azure/azure-workload-identity#1613 and public client fixtures), 70021 as a 400
            # invalid_request (azure-workload-identity's troubleshooting page). The 401 is how
            # Entra answers every confirmed invalid_client (graph-api reference, section 3).
            if claims["aud"] != "api://AzureADTokenExchange":
                return (401, "invalid_client", 700212,
                        "AADSTS700212: No matching federated identity record found for presented "
                        "assertion audience '%s'." % claims["aud"])
            if (claims["iss"], claims["sub"]) not in self.trusted_identities:
                return (400, "invalid_request", 70021,
                        "AADSTS70021: No matching federated identity record found for presented "
                        "assertion. Assertion Issuer: '%s'. Assertion Subject: '%s'."
                        % (claims["iss"], claims["sub"]))
            return None
        for path in self.federated_paths:
            with open(path) as f:
                if f.read().strip() == assertion:
                    return None
        return (401, "invalid_client", 700211,
                "AADSTS700211: No matching federated identity record found for presented "
                "assertion issuer.")

    def find_certificate(self, header):
        for cert in self.certs:
            if header.get("x5t#S256") == cert.x5t_s256 or header.get("x5t") == cert.x5t:
                return cert
        return None

    def verify_certificate(self, header, claims, parts, signature, token_url, client_id, now):
        alg = header.get("alg")
        with self.lock:
            self.checked.append({"header": header, "claims": claims})
        if alg not in ("PS256", "RS256") or header.get("typ", "JWT") != "JWT":
            return (400, "invalid_request", 50027,
                    "AADSTS50027: JWT token is invalid or malformed.")
        if alg == "PS256" and "x5t#S256" not in header:
            return (400, "invalid_request", 50027,
                    "AADSTS50027: JWT token is invalid or malformed (PS256 needs x5t#S256).")
        cert = self.find_certificate(header)
        if cert is None:
            return (401, "invalid_client", 700027,
                    "AADSTS700027: The certificate with identifier used to sign the client "
                    "assertion is not registered on application. [Reason - The key was not "
                    "found., Thumbprint of key used by client: '%s']"
                    % header.get("x5t#S256", header.get("x5t")))
        if not cert.within_window(now):
            # Entra's answer to an expired (or not yet valid) certificate, as Microsoft confirmed
            # it (AzureAD/microsoft-identity-web issue #2834, PR #2840); not in the error-code
            # reference. Checked before the signature, as the key's own state.
            return (401, "invalid_client", 1000502,
                    "AADSTS1000502: The provided certificate is not within its specified "
                    "validity window.")
        signing_input = (parts[0] + "." + parts[1]).encode()
        if not openssl_verify(cert.pubkey, alg, signing_input, signature):
            return (401, "invalid_client", 700027,
                    "AADSTS700027: Client assertion failed signature validation.")
        return self.verify_claims(claims, token_url, client_id, now)

    def verify_claims(self, claims, token_url, client_id, now):
        if claims.get("aud") != token_url:
            return (401, "invalid_client", 700023,
                    "AADSTS700023: Client assertion audience claim does not match Realm issuer.")
        if claims.get("iss") != client_id or claims.get("sub") != client_id:
            return (401, "invalid_client", 700021,
                    "AADSTS700021: Client assertion application identifier doesn't match "
                    "'client_id' parameter.")
        nbf, exp = claims.get("nbf"), claims.get("exp")
        if (not isinstance(nbf, int) or not isinstance(exp, int) or exp - nbf > MAX_LIFETIME
                or not nbf - CLOCK_SKEW <= now <= exp):
            return (401, "invalid_client", 700024,
                    "AADSTS700024: Client assertion is not within its valid time range. Current "
                    "time: %d, assertion valid from %s, expiry time of assertion %s."
                    % (now, nbf, exp))
        jti = claims.get("jti")
        with self.lock:
            replay = not isinstance(jti, str) or not jti or jti in self.seen_jti
            self.seen_jti.add(jti)
        if replay:
            # Microsoft's code for a replayed jti is not documented; the simulator's choice.
            return (401, "invalid_client", 70002,
                    "AADSTS70002: Error validating credentials. The client assertion ID (jti) "
                    "was missing or already used.")
        return None
