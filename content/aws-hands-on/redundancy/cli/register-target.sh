# ja: タグ CodeDeploy=aws-hands-on で動いているインスタンスを、すべてターゲットグループ aws-hands-on にポート 8000 で登録します
# ja: （登録済みのものを登録し直しても変わりません）。
# en: Register every running instance tagged CodeDeploy=aws-hands-on in the target group aws-hands-on on port 8000
# en: (registering one again changes nothing).
TG_ARN=$(aws elbv2 describe-target-groups --names aws-hands-on --query 'TargetGroups[0].TargetGroupArn' --output text)
INSTANCE_IDS=$(aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=running" \
  --query 'Reservations[].Instances[].InstanceId' --output text)
TARGETS=()
for ID in $INSTANCE_IDS; do TARGETS+=("Id=$ID,Port=8000"); done
aws elbv2 register-targets --target-group-arn "$TG_ARN" --targets "${TARGETS[@]}"

# ja: すべてのターゲットが healthy になるまで待ちます（実際の AWS では数分かかります。unhealthy のままなら失敗します）。
# en: Wait until every target is healthy (a few minutes on real AWS; fails if one stays unhealthy).
aws elbv2 wait target-in-service --target-group-arn "$TG_ARN" --targets "${TARGETS[@]}"
aws elbv2 describe-target-health --target-group-arn "$TG_ARN" \
  --query 'TargetHealthDescriptions[].[Target.Id,Target.Port,TargetHealth.State,TargetHealth.Reason]' --output text
