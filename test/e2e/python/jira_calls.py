"""Debian's python-jira 3.4.1 against Tessera with an OAuth 1.0a access token (RSA-SHA1).

Input (environment): TESSERA_URL, CONSUMER_KEY, RSA_KEY_FILE, ACCESS_TOKEN, ACCESS_TOKEN_SECRET, PROJECT.
Output: one JSON object on standard output with what each call returned.
"""
import json
import os

from jira import JIRA
from jira.exceptions import JIRAError

with open(os.environ["RSA_KEY_FILE"]) as f:
    key_cert = f.read()

jira = JIRA(server=os.environ["TESSERA_URL"], oauth={
    "access_token": os.environ["ACCESS_TOKEN"],
    "access_token_secret": os.environ["ACCESS_TOKEN_SECRET"],
    "consumer_key": os.environ["CONSUMER_KEY"],
    "key_cert": key_cert,
})
project = os.environ["PROJECT"]
out = {}
out["server_info"] = jira.server_info()
out["myself"] = jira.myself()
created = jira.create_issue(fields={
    "project": {"key": project}, "summary": "Printer on fire", "description": "Smoke from tray 2", "issuetype": {"name": "Bug"},
})
out["created_key"] = created.key
issue = jira.issue(created.key)
out["issue"] = {"key": issue.key, "summary": issue.fields.summary, "type": issue.fields.issuetype.name,
                "status": issue.fields.status.name, "reporter": issue.fields.reporter.name}
out["search"] = [i.key for i in jira.search_issues("project = %s" % project)]
comment = jira.add_comment(created.key, "Fire brigade called")
out["comment"] = {"id": comment.id, "body": comment.body, "author": comment.author.name}
out["comments"] = [c.body for c in jira.comments(created.key)]
issue.update(summary="Printer no longer on fire")
out["updated_summary"] = jira.issue(created.key).fields.summary
issue.delete()
try:
    jira.issue(created.key)
    out["after_delete"] = "still there"
except JIRAError as e:
    out["after_delete"] = e.status_code
print(json.dumps(out))
