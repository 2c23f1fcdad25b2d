"""Debian's python-jira 3.4.1 against Tessera: the calls integration scripts make (issue 3, acceptance 3).

Input (environment):
  TESSERA_URL, PROJECT (a project the user is a member of, created empty for this run), ASSIGNEE (a username);
  AUTH = oauth (CONSUMER_KEY, RSA_KEY_FILE, ACCESS_TOKEN, ACCESS_TOKEN_SECRET)
       | basic (USERNAME, PASSWORD: JIRA(basic_auth=...))
       | cookie (USERNAME, PASSWORD: JIRA(auth=...), python-jira's /rest/auth/1/session login).
Output: one JSON object on standard output with what each call returned; the test compares it.
"""
import json
import os
import warnings

from jira import JIRA
from jira.exceptions import JIRAError

warnings.simplefilter("ignore")  # cookie auth is deprecated in python-jira; it still has to work

server = os.environ["TESSERA_URL"]
mode = os.environ["AUTH"]
if mode == "oauth":
    with open(os.environ["RSA_KEY_FILE"]) as f:
        key_cert = f.read()
    jira = JIRA(server=server, oauth={
        "access_token": os.environ["ACCESS_TOKEN"],
        "access_token_secret": os.environ["ACCESS_TOKEN_SECRET"],
        "consumer_key": os.environ["CONSUMER_KEY"],
        "key_cert": key_cert,
    })
elif mode == "basic":
    jira = JIRA(server=server, basic_auth=(os.environ["USERNAME"], os.environ["PASSWORD"]))
elif mode == "cookie":
    jira = JIRA(server=server, auth=(os.environ["USERNAME"], os.environ["PASSWORD"]))
else:
    raise SystemExit("unknown AUTH " + mode)

key = os.environ["PROJECT"]
assignee = os.environ["ASSIGNEE"]
out = {"myself": jira.myself()["name"]}

out["projects"] = sorted(p.key for p in jira.projects())
project = jira.project(key)
out["project"] = {"key": project.key, "name": project.name, "issueTypes": sorted(t.name for t in project.issueTypes)}

priorities = jira.priorities()
out["priorities"] = [p.name for p in priorities]
out["statuses"] = sorted(s.name for s in jira.statuses())
fields = jira.fields()
out["fields"] = sorted(f["id"] for f in fields if not f["custom"])

# create_issue in both forms: by names and by ids
by_names = jira.create_issue(fields={
    "project": {"key": key}, "issuetype": {"name": "Bug"}, "summary": "Printer on fire",
    "description": "Smoke from tray 2", "priority": {"name": "High"}, "labels": ["hardware"],
})
task_id = next(t.id for t in project.issueTypes if t.name == "Task")
low_id = next(p.id for p in priorities if p.name == "Low")
by_ids = jira.create_issue(fields={
    "project": {"id": project.id}, "issuetype": {"id": task_id}, "summary": "Order toner", "priority": {"id": low_id},
})
out["created"] = [by_names.key, by_ids.key]
got = jira.issue(by_ids.key)
out["by_ids"] = {"type": got.fields.issuetype.name, "priority": got.fields.priority.name, "project": got.fields.project.key}

# issue with a field list and expand
issue = jira.issue(by_names.key, fields="summary,priority,labels", expand="names,schema,renderedFields,changelog,transitions")
raw_fields = issue.raw["fields"]
out["issue"] = {
    "key": issue.key, "summary": issue.fields.summary, "priority": issue.fields.priority.name,
    "labels": issue.fields.labels, "field_keys": sorted(raw_fields.keys()),
    "names_summary": issue.raw["names"]["summary"], "has_schema": "summary" in issue.raw["schema"],
    "histories": issue.raw["changelog"]["total"], "transitions": sorted(t["name"] for t in issue.raw["transitions"]),
}

# search with paging: enough issues for python-jira's fetch-all to need more than one page of 50
for i in range(55):
    jira.create_issue(fields={"project": {"key": key}, "issuetype": {"name": "Task"}, "summary": "Filler %d" % i})
page = jira.search_issues("project = %s ORDER BY key ASC" % key, startAt=2, maxResults=3)
out["page"] = {"keys": [i.key for i in page], "total": page.total, "startAt": page.startAt, "maxResults": page.maxResults}
everything = jira.search_issues("project = %s ORDER BY key ASC" % key, maxResults=0)
out["all_keys"] = [i.key for i in everything]
out["text_search"] = [i.key for i in jira.search_issues('project = %s AND text ~ "printer"' % key)]

# comments
comment = jira.add_comment(by_names.key, "Fire brigade called")
out["comment"] = {"body": comment.body, "author": comment.author.name}
out["comments"] = [c.body for c in jira.comments(by_names.key)]

# workflow: list transitions, then move by name with a comment
out["transitions"] = sorted(t["name"] for t in jira.transitions(by_names.key))
jira.transition_issue(by_names.key, "Done", comment="Fire is out")
done = jira.issue(by_names.key)
out["after_transition"] = {
    "status": done.fields.status.name, "resolution": done.fields.resolution.name if done.fields.resolution else None,
    "comments": [c.body for c in jira.comments(by_names.key)],
}

# assignment
out["assigned"] = jira.assign_issue(by_names.key, assignee)
out["assignee"] = jira.issue(by_names.key).fields.assignee.name

# update with fields and a label add, then delete
issue = jira.issue(by_names.key)
issue.update(fields={"summary": "Printer no longer on fire"}, update={"labels": [{"add": "resolved-by-script"}]})
updated = jira.issue(by_names.key)
out["updated"] = {"summary": updated.fields.summary, "labels": sorted(updated.fields.labels)}

out["users"] = [u.name for u in jira.search_users(assignee)]

meta = jira.createmeta(projectKeys=key, expand="projects.issuetypes.fields")
meta_project = meta["projects"][0]
bug = next(t for t in meta_project["issuetypes"] if t["name"] == "Bug")
out["createmeta"] = {"project": meta_project["key"], "types": sorted(t["name"] for t in meta_project["issuetypes"]),
                     "bug_required": sorted(f for f, m in bug["fields"].items() if m["required"])}

updated.delete()
try:
    jira.issue(by_names.key)
    out["after_delete"] = "still there"
except JIRAError as e:
    out["after_delete"] = e.status_code
print(json.dumps(out))
