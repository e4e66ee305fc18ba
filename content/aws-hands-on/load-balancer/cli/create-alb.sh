# ja: デフォルト VPC と、そのサブネット（アベイラビリティーゾーンごとに 1 つ）を調べます。
# en: Look up the default VPC and its subnets (one per availability zone).
VPC_ID=$(aws ec2 describe-vpcs --filters "Name=isDefault,Values=true" --query 'Vpcs[0].VpcId' --output text)
SUBNET_IDS=$(aws ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC_ID" "Name=default-for-az,Values=true" \
  --query 'Subnets[].SubnetId' --output text)
INSTANCE_ID=$(aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=running" \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)

# ja: ALB 用のセキュリティグループ aws-hands-on-alb を作り（既にあればそれを使い）、HTTP 80 番をどこからでも許可します。
# en: Create the ALB's security group aws-hands-on-alb (or reuse it) and allow HTTP port 80 from anywhere.
ALB_SG_ID=$(aws ec2 describe-security-groups \
  --filters "Name=vpc-id,Values=$VPC_ID" "Name=group-name,Values=aws-hands-on-alb" \
  --query 'SecurityGroups[0].GroupId' --output text)
if [ "$ALB_SG_ID" = "None" ]; then
  ALB_SG_ID=$(aws ec2 create-security-group --group-name aws-hands-on-alb \
    --description "aws-hands-on load balancer" --vpc-id "$VPC_ID" --query 'GroupId' --output text)
fi
# ja: 2 回目はルールが既にあるというエラーになりますが、問題ありません。
# en: On a second run this says the rule already exists; that is fine.
aws ec2 authorize-security-group-ingress --group-id "$ALB_SG_ID" --protocol tcp --port 80 --cidr 0.0.0.0/0 \
  > /dev/null 2>&1 || echo "port 80 already allowed"

# ja: ターゲットグループ aws-hands-on（HTTP、ポート 8000、ヘルスチェック /healthcheck）を作り、インスタンスを登録します。
# en: Create the target group aws-hands-on (HTTP, port 8000, health check /healthcheck) and register the instance.
TG_ARN=$(aws elbv2 describe-target-groups --names aws-hands-on \
  --query 'TargetGroups[0].TargetGroupArn' --output text 2> /dev/null) || \
TG_ARN=$(aws elbv2 create-target-group --name aws-hands-on --protocol HTTP --port 8000 --vpc-id "$VPC_ID" \
  --target-type instance --health-check-path /healthcheck \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
aws elbv2 register-targets --target-group-arn "$TG_ARN" --targets "Id=$INSTANCE_ID,Port=8000"

# ja: インターネット向けのアプリケーションロードバランサー aws-hands-on を 3 つのサブネット（AZ）に作ります。
# en: Create the internet-facing Application Load Balancer aws-hands-on in the three subnets (AZs).
LB_ARN=$(aws elbv2 describe-load-balancers --names aws-hands-on \
  --query 'LoadBalancers[0].LoadBalancerArn' --output text 2> /dev/null) || \
LB_ARN=$(aws elbv2 create-load-balancer --name aws-hands-on --type application --scheme internet-facing \
  --subnets $SUBNET_IDS --security-groups "$ALB_SG_ID" \
  --query 'LoadBalancers[0].LoadBalancerArn' --output text)

# ja: HTTP:80 のリスナーを作り、ターゲットグループ aws-hands-on に転送します。
# en: Add an HTTP:80 listener that forwards to the target group aws-hands-on.
LISTENER_ARN=$(aws elbv2 describe-listeners --load-balancer-arn "$LB_ARN" \
  --query 'Listeners[?Port==`80`].ListenerArn | [0]' --output text)
if [ "$LISTENER_ARN" = "None" ]; then
  aws elbv2 create-listener --load-balancer-arn "$LB_ARN" --protocol HTTP --port 80 \
    --default-actions "Type=forward,TargetGroupArn=$TG_ARN" --query 'Listeners[0].ListenerArn' --output text
fi

# ja: ロードバランサーが active になるまで待ちます（実際の AWS では数分かかります）。
# en: Wait until the load balancer is active (a few minutes on real AWS).
aws elbv2 wait load-balancer-available --load-balancer-arns "$LB_ARN"
aws elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" \
  --query 'LoadBalancers[0].[LoadBalancerName,State.Code,DNSName]' --output text
