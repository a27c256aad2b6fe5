"""Drives an actiongate server with boto3: python3 boto3_session.py ENDPOINT.

Credentials come from the environment. Exits non-zero on the first mismatch."""
import sys

import boto3

endpoint = sys.argv[1]
account = "111122223333"
arn = f"arn:aws:quicksight:us-east-1:{account}:action-connector/py-1"
c = boto3.client("quicksight", endpoint_url=endpoint, region_name="us-east-1")

c.create_action_connector(
    AwsAccountId=account, ActionConnectorId="py-1", Name="From boto3", Type="GENERIC_HTTP",
    AuthenticationConfig={"AuthenticationType": "API_KEY", "AuthenticationMetadata": {
        "ApiKeyConnectionMetadata": {"BaseEndpoint": "https://api.example.com", "ApiKey": "py-secret"}}})
for i in range(3):
    c.create_action_connector(
        AwsAccountId=account, ActionConnectorId=f"py-{i + 2}", Name=f"Other {i}", Type="SLACK",
        AuthenticationConfig={"AuthenticationType": "API_KEY", "AuthenticationMetadata": {
            "ApiKeyConnectionMetadata": {"BaseEndpoint": "https://slack.com/api", "ApiKey": "xoxb-py"}}})

d = c.describe_action_connector(AwsAccountId=account, ActionConnectorId="py-1")["ActionConnector"]
assert d["Name"] == "From boto3" and d["Status"] == "CREATION_SUCCESSFUL", d
assert d["CreatedTime"].year >= 2026, d["CreatedTime"]
assert "ApiKey" not in d["AuthenticationConfig"]["AuthenticationMetadata"]["ApiKeyConnectionMetadata"], d

pages = c.get_paginator("list_action_connectors").paginate(AwsAccountId=account, PaginationConfig={"PageSize": 1})
ids = [s["ActionConnectorId"] for page in pages for s in page["ActionConnectorSummaries"]]
assert ids == ["py-1", "py-2", "py-3", "py-4"], ids

found = c.search_action_connectors(AwsAccountId=account, Filters=[
    {"Name": "ACTION_CONNECTOR_TYPE", "Operator": "StringEquals", "Value": "SLACK"}])
assert [s["ActionConnectorId"] for s in found["ActionConnectorSummaries"]] == ["py-2", "py-3", "py-4"], found

try:
    c.describe_action_connector(AwsAccountId=account, ActionConnectorId="missing")
    sys.exit("describe of a missing connector succeeded")
except c.exceptions.ResourceNotFoundException:
    pass
try:
    c.create_action_connector(AwsAccountId=account, ActionConnectorId="py-1", Name="Again", Type="GENERIC_HTTP",
                              AuthenticationConfig={"AuthenticationType": "NONE", "AuthenticationMetadata": {
                                  "NoneConnectionMetadata": {"BaseEndpoint": "https://api.example.com"}}})
    sys.exit("duplicate create succeeded")
except c.exceptions.ResourceExistsException:
    pass

c.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}, {"Key": "c", "Value": "d"}])
c.untag_resource(ResourceArn=arn, TagKeys=["c"])
tags = c.list_tags_for_resource(ResourceArn=arn)["Tags"]
assert tags == [{"Key": "a", "Value": "b"}], tags

c.delete_action_connector(AwsAccountId=account, ActionConnectorId="py-1")
print("boto3 session passed")
