"""The whole OAuth 1.0a dance with Debian's requests-oauthlib (RSA-SHA1, callback 'oob').

The application side is requests_oauthlib.OAuth1Session. The user's side (login page, push challenge, approval
page) is driven by a plain requests.Session with its cookie jar, as a browser without JavaScript would; the
push is approved by running the CLI authenticator with the symbol read from the challenge page.

Input (environment): TESSERA_URL, CONSUMER_KEY, RSA_KEY_FILE, USERNAME, PASSWORD, APPROVE_CMD (JSON array).
Output: one JSON object on standard output.
"""
import html
import json
import os
import re
import subprocess
import sys

import requests
from oauthlib.oauth1 import SIGNATURE_RSA
from requests_oauthlib import OAuth1Session

base = os.environ["TESSERA_URL"]
with open(os.environ["RSA_KEY_FILE"]) as f:
    rsa_key = f.read()


def hidden(page, name):
    m = re.search(r'name="%s" value="([^"]*)"' % name, page)
    if not m:
        sys.exit("no hidden field %s in page: %s" % (name, page[:500]))
    return html.unescape(m.group(1))


app = OAuth1Session(os.environ["CONSUMER_KEY"], signature_method=SIGNATURE_RSA, rsa_key=rsa_key, callback_uri="oob")
request_token = app.fetch_request_token(base + "/plugins/servlet/oauth/request-token")
authorize_url = app.authorization_url(base + "/plugins/servlet/oauth/authorize")

browser = requests.Session()
page = browser.get(authorize_url)  # redirected to the login page
assert "/login" in page.url, page.url
page = browser.post(base + "/login", data={
    "csrf": hidden(page.text, "csrf"), "next": hidden(page.text, "next"),
    "username": os.environ["USERNAME"], "password": os.environ["PASSWORD"],
})
symbol = re.search(r'data-access-pass="([a-z]+)"', page.text).group(1)
approve = subprocess.run(json.loads(os.environ["APPROVE_CMD"]) + ["--pick", symbol], capture_output=True, text=True, timeout=60)
if approve.returncode != 0:
    sys.exit("authenticator failed: " + approve.stdout + approve.stderr)
page = browser.post(base + "/login/challenge", data={"csrf": hidden(page.text, "csrf"), "next": hidden(page.text, "next")})
assert "Allow" in page.text, page.text[:500]
page = browser.post(base + "/plugins/servlet/oauth/authorize", data={
    "csrf": hidden(page.text, "csrf"), "oauth_token": hidden(page.text, "oauth_token"), "decision": "allow",
})
verifier = re.search(r'data-verifier="([A-Za-z0-9]+)"', page.text).group(1)

access = app.fetch_access_token(base + "/plugins/servlet/oauth/access-token", verifier=verifier)
me = app.get(base + "/rest/api/2/myself", headers={"Accept": "application/json"})
print(json.dumps({
    "request_token": request_token["oauth_token"],
    "access_token": access["oauth_token"],
    "access_token_secret": access["oauth_token_secret"],
    "access_response_keys": sorted(access.keys()),
    "symbol": symbol,
    "myself_status": me.status_code,
    "myself": me.json(),
}))
