# ja: 事前準備: ステップ5 のロードバランサー aws-hands-on が active か、その状態と有効な AZ を表示します。
# en: Before you start: show whether Step 5's load balancer aws-hands-on is active, and the AZs it is enabled in.
LB_ARN=$(aws elbv2 describe-load-balancers --names aws-hands-on --query 'LoadBalancers[0].LoadBalancerArn' --output text)
aws elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" \
  --query 'LoadBalancers[0].[LoadBalancerName,State.Code,DNSName]' --output text
aws elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" \
  --query 'LoadBalancers[0].AvailabilityZones[].[ZoneName,SubnetId]' --output text
# ja: HTTP:80 のリスナーがターゲットグループ aws-hands-on に転送していることを確かめます。
# en: Check that the HTTP:80 listener forwards to the target group aws-hands-on.
TG_ARN=$(aws elbv2 describe-target-groups --names aws-hands-on --query 'TargetGroups[0].TargetGroupArn' --output text)
aws elbv2 describe-listeners --load-balancer-arn "$LB_ARN" \
  --query 'Listeners[?Port==`80`].[Port,Protocol,DefaultActions[0].Type,DefaultActions[0].TargetGroupArn]' --output text
echo "target group: $TG_ARN"
