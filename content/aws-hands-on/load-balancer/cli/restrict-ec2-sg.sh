# ja: 2 つのセキュリティグループ（EC2 用と ALB 用）の ID を調べます。
# en: Look up the two security groups (the instance's and the ALB's).
VPC_ID=$(aws ec2 describe-vpcs --filters "Name=isDefault,Values=true" --query 'Vpcs[0].VpcId' --output text)
EC2_SG_ID=$(aws ec2 describe-security-groups \
  --filters "Name=vpc-id,Values=$VPC_ID" "Name=group-name,Values=aws-hands-on-ec2" \
  --query 'SecurityGroups[0].GroupId' --output text)
ALB_SG_ID=$(aws ec2 describe-security-groups \
  --filters "Name=vpc-id,Values=$VPC_ID" "Name=group-name,Values=aws-hands-on-alb" \
  --query 'SecurityGroups[0].GroupId' --output text)

# ja: 8000 番ポートへのアクセスを、ALB のセキュリティグループ（aws-hands-on-alb）からだけ許可します。
# en: Allow port 8000 only from the ALB's security group (aws-hands-on-alb).
aws ec2 authorize-security-group-ingress --group-id "$EC2_SG_ID" \
  --ip-permissions "IpProtocol=tcp,FromPort=8000,ToPort=8000,UserIdGroupPairs=[{GroupId=$ALB_SG_ID}]" \
  > /dev/null 2>&1 || echo "port 8000 from the ALB already allowed"

# ja: インターネット全体（0.0.0.0/0）に開いていたルールを削除します（無いルールはエラーになりますが問題ありません）。
# en: Remove the rules open to the whole internet (0.0.0.0/0); a rule that is not there gives an error, which is fine.
for PORT in 80 8000 8001; do
  aws ec2 revoke-security-group-ingress --group-id "$EC2_SG_ID" --protocol tcp --port "$PORT" --cidr 0.0.0.0/0 \
    > /dev/null 2>&1 || echo "no rule for port $PORT from 0.0.0.0/0"
done

# ja: 残ったインバウンドルールを表示します: 8000 番を aws-hands-on-alb から、だけのはずです。
# en: Show the inbound rules that are left: only port 8000 from aws-hands-on-alb.
aws ec2 describe-security-groups --group-ids "$EC2_SG_ID" \
  --query 'SecurityGroups[0].IpPermissions[].[IpProtocol,FromPort,ToPort,IpRanges[].CidrIp|join(`,`,@),UserIdGroupPairs[].GroupId|join(`,`,@)]' \
  --output text
