#!/usr/bin/env python3
"""An IAM user of moto's that may do everything in DynamoDB but one action.

    iam_user.py create NAME ACTION OUTFILE

creates (or re-creates) user NAME with a policy that allows dynamodb:* and
denies ACTION (e.g. dynamodb:DescribeTable), and writes its new access key
as one CSV line "key_id,secret" to OUTFILE (readable by the PostgreSQL
server, which COPYs it).  Signed with MAIP_TEST_ACCESS_KEY/SECRET_KEY at
MAIP_TEST_ENDPOINT: moto then enforces the policy on the user's requests.
"""
import json
import os
import sys

import boto3


def main(argv):
    if len(argv) != 5 or argv[1] != "create":
        sys.exit(__doc__)
    _, _, name, action, outfile = argv
    env = os.environ
    iam = boto3.client("iam", endpoint_url=env["MAIP_TEST_ENDPOINT"],
                       region_name=env.get("MAIP_TEST_REGION", "us-east-1"),
                       aws_access_key_id=env["MAIP_TEST_ACCESS_KEY"],
                       aws_secret_access_key=env["MAIP_TEST_SECRET_KEY"])
    try:
        for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
        iam.delete_user_policy(UserName=name, PolicyName="all-but-one")
        iam.delete_user(UserName=name)
    except iam.exceptions.NoSuchEntityException:
        pass
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all-but-one", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
                      {"Effect": "Deny", "Action": action, "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    with open(outfile, "w") as f:
        f.write("%s,%s\n" % (key["AccessKeyId"], key["SecretAccessKey"]))
    os.chmod(outfile, 0o644)


if __name__ == "__main__":
    main(sys.argv)
