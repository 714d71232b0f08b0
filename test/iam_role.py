#!/usr/bin/env python3
"""An IAM role of moto's for the assumed-role tests.

    iam_role.py create NAME DENY_ACTION

creates (or re-creates) role NAME whose trust policy lets the caller (the
test user) assume it with external id "maip-ext-ok", and whose policy
allows dynamodb:* and sts:GetCallerIdentity but denies DENY_ACTION (e.g.
dynamodb:Scan; "none" denies nothing).  moto evaluates the role's policy on
requests signed with the role's temporary credentials, which shows that
those (and not the base keys) were used, and the trust policy (principal
and the sts:ExternalId condition) on AssumeRole.  Signed with MAIP_TEST_ACCESS_KEY/SECRET_KEY at MAIP_TEST_ENDPOINT.
"""
import json
import os
import sys

import boto3


def main(argv):
    if len(argv) != 4 or argv[1] != "create":
        sys.exit(__doc__)
    _, _, name, deny = argv
    env = os.environ
    iam = boto3.client("iam", endpoint_url=env["MAIP_TEST_ENDPOINT"],
                       region_name=env.get("MAIP_TEST_REGION", "us-east-1"),
                       aws_access_key_id=env["MAIP_TEST_ACCESS_KEY"],
                       aws_secret_access_key=env["MAIP_TEST_SECRET_KEY"])
    caller = boto3.client("sts", endpoint_url=env["MAIP_TEST_ENDPOINT"],
                          region_name=env.get("MAIP_TEST_REGION", "us-east-1"),
                          aws_access_key_id=env["MAIP_TEST_ACCESS_KEY"],
                          aws_secret_access_key=env["MAIP_TEST_SECRET_KEY"]
                          ).get_caller_identity()["Arn"]
    try:
        for p in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=p)
        iam.delete_role(RoleName=name)
    except iam.exceptions.NoSuchEntityException:
        pass
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"AWS": caller},
                       "Condition": {"StringEquals": {"sts:ExternalId": "maip-ext-ok"}}}]}))
    statements = [{"Effect": "Allow", "Action": ["dynamodb:*", "sts:GetCallerIdentity"],
                   "Resource": "*"}]
    if deny != "none":
        statements.append({"Effect": "Deny", "Action": deny, "Resource": "*"})
    iam.put_role_policy(RoleName=name, PolicyName="maip-test", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": statements}))


if __name__ == "__main__":
    main(sys.argv)
