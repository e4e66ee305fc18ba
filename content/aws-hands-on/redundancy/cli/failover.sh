# ja: 1 台目（いちばん古いインスタンス）を停止します。「終了」(terminate) ではなく「停止」(stop) です。
# en: Stop the first (oldest) instance. Stop, not terminate.
TG_ARN=$(aws elbv2 describe-target-groups --names aws-hands-on --query 'TargetGroups[0].TargetGroupArn' --output text)
STOP_ID=$(aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=pending,running,stopping,stopped" \
  --query 'sort_by(Reservations[].Instances[], &LaunchTime)[0].InstanceId' --output text)
aws ec2 stop-instances --instance-ids "$STOP_ID" --query 'StoppingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-stopped --instance-ids "$STOP_ID"

# ja: 止めたインスタンスのターゲットは unused (Target.InvalidState) になり、もう 1 台は healthy のままです。
# en: The stopped instance's target is now unused (Target.InvalidState); the other one stays healthy.
aws elbv2 describe-target-health --target-group-arn "$TG_ARN" \
  --query 'TargetHealthDescriptions[].[Target.Id,TargetHealth.State,TargetHealth.Reason]' --output text

# ja: この間も、ロードバランサーの DNS 名でページが表示されます。ブラウザで開き直してみてください。
# en: Meanwhile the load balancer's DNS name still serves the page: reload it in your browser.
DNS_NAME=$(aws elbv2 describe-load-balancers --names aws-hands-on --query 'LoadBalancers[0].DNSName' --output text)
echo "http://$DNS_NAME/"
# ja: 実際の AWS では curl でも確認できます（サンドボックスではページの「チェック」ボタンを使ってください）:
# en: On real AWS you can also try it with curl (in the sandbox, use the page's check button instead):
# curl -s -o /dev/null -w '%{http_code}\n' "http://$DNS_NAME/"

# ja: 止めたインスタンスを起動し直し、2 台とも healthy に戻るまで待ちます（登録はそのまま残っています）。
# en: Start the stopped instance again and wait until both targets are healthy (it is still registered).
aws ec2 start-instances --instance-ids "$STOP_ID" --query 'StartingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-running --instance-ids "$STOP_ID"
aws elbv2 wait target-in-service --target-group-arn "$TG_ARN"
aws elbv2 describe-target-health --target-group-arn "$TG_ARN" \
  --query 'TargetHealthDescriptions[].[Target.Id,TargetHealth.State]' --output text
