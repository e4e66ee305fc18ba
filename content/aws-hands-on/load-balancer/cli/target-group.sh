# ja: ターゲットグループ aws-hands-on のターゲットの健康状態（healthy かどうか、違えばその理由）を表示します。
# en: Show the health of the targets of the target group aws-hands-on (healthy, or the reason why not).
TG_ARN=$(aws elbv2 describe-target-groups --names aws-hands-on --query 'TargetGroups[0].TargetGroupArn' --output text)
aws elbv2 describe-target-groups --target-group-arns "$TG_ARN" \
  --query 'TargetGroups[0].[Protocol,Port,HealthCheckPath,HealthCheckPort]' --output text
aws elbv2 describe-target-health --target-group-arn "$TG_ARN" \
  --query 'TargetHealthDescriptions[].[Target.Id,Target.Port,TargetHealth.State,TargetHealth.Reason]' --output text
# ja: healthy になるまで待ちます（unhealthy のままなら数分で失敗します）。
# en: Wait until the target is healthy (fails after a few minutes if it stays unhealthy).
aws elbv2 wait target-in-service --target-group-arn "$TG_ARN"
