# ja: タグ CodeDeploy=aws-hands-on で動いているインスタンスと、その AZ を表示します。
# en: Show the running instances tagged CodeDeploy=aws-hands-on and their AZs.
aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=pending,running" \
  --query 'Reservations[].Instances[].[InstanceId,Placement.AvailabilityZone,State.Name]' --output text
ZONES=$(aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=pending,running" \
  --query 'Reservations[].Instances[].Placement.AvailabilityZone' --output text | tr '\t' '\n' | sort -u)

# ja: 1 台目（いちばん古いインスタンス）の設定を調べます。「同様のものを起動」と同じく、AMI、インスタンスタイプ、
# ja: キーペア、IAM ロール、ユーザーデータを引き継ぎます。
# en: Look up the first (oldest) instance's settings. Like "Launch more like this", the new one takes its AMI,
# en: instance type, key pair, IAM role and user data.
FIRST_ID=$(aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=running" \
  --query 'sort_by(Reservations[].Instances[], &LaunchTime)[0].InstanceId' --output text)
read -r IMAGE_ID INSTANCE_TYPE FIRST_AZ KEY_NAME PROFILE_ARN <<< "$(aws ec2 describe-instances --instance-ids "$FIRST_ID" \
  --query 'Reservations[0].Instances[0].[ImageId,InstanceType,Placement.AvailabilityZone,KeyName,IamInstanceProfile.Arn]' \
  --output text)"
echo "first instance: $FIRST_ID ($FIRST_AZ)"
EXTRA_ARGS=()
if [ "$KEY_NAME" != "None" ]; then EXTRA_ARGS+=(--key-name "$KEY_NAME"); fi
if [ "$PROFILE_ARN" != "None" ]; then EXTRA_ARGS+=(--iam-instance-profile "Arn=$PROFILE_ARN"); fi
USER_DATA=$(aws ec2 describe-instance-attribute --instance-id "$FIRST_ID" --attribute userData \
  --query 'UserData.Value' --output text)
if [ "$USER_DATA" != "None" ]; then
  USER_DATA_FILE=$(mktemp)
  echo "$USER_DATA" | base64 -d > "$USER_DATA_FILE"
  EXTRA_ARGS+=(--user-data "file://$USER_DATA_FILE")
fi

# ja: 2 台目を置くサブネット: ロードバランサーが有効な AZ のうち、1 台目とは別の AZ のサブネットです。
# en: The subnet for the second instance: one in an AZ the load balancer is enabled in, other than the first's.
SUBNET_ID=$(aws elbv2 describe-load-balancers --names aws-hands-on \
  --query "LoadBalancers[0].AvailabilityZones[?ZoneName!='$FIRST_AZ'] | [0].SubnetId" --output text)
VPC_ID=$(aws ec2 describe-vpcs --filters "Name=isDefault,Values=true" --query 'Vpcs[0].VpcId' --output text)
EC2_SG_ID=$(aws ec2 describe-security-groups \
  --filters "Name=vpc-id,Values=$VPC_ID" "Name=group-name,Values=aws-hands-on-ec2" \
  --query 'SecurityGroups[0].GroupId' --output text)

# ja: 2 台目を、同じタグ・同じセキュリティグループ aws-hands-on-ec2 で起動します（既に 2 つの AZ で動いていれば何もしません）。
# en: Launch the second instance with the same tag and security group aws-hands-on-ec2 (nothing to do if instances
# en: already run in two AZs).
if [ "$(echo "$ZONES" | wc -w)" -ge 2 ]; then
  echo "instances already run in: $(echo "$ZONES" | tr '\n' ' ')"
else
  SECOND_ID=$(aws ec2 run-instances --image-id "$IMAGE_ID" --instance-type "$INSTANCE_TYPE" --count 1 \
    --subnet-id "$SUBNET_ID" --security-group-ids "$EC2_SG_ID" "${EXTRA_ARGS[@]}" \
    --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=aws-hands-on-2},{Key=CodeDeploy,Value=aws-hands-on}]' \
    --query 'Instances[0].InstanceId' --output text)
  echo "second instance: $SECOND_ID"
  aws ec2 wait instance-running --instance-ids "$SECOND_ID"
fi

# ja: 2 台が別々の AZ で running になっているはずです。
# en: The two instances should be running, each in its own AZ.
aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=pending,running" \
  --query 'Reservations[].Instances[].[InstanceId,Placement.AvailabilityZone,State.Name,SecurityGroups[0].GroupName]' \
  --output text
