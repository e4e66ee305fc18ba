# ja: リスナー（80 番ポートの HTTP を、どのターゲットグループへ転送するか）を表示します。
# en: Show the listener (where HTTP on port 80 is forwarded to).
LB_ARN=$(aws elbv2 describe-load-balancers --names aws-hands-on --query 'LoadBalancers[0].LoadBalancerArn' --output text)
aws elbv2 describe-listeners --load-balancer-arn "$LB_ARN" \
  --query 'Listeners[].[Port,Protocol,DefaultActions[0].Type,DefaultActions[0].TargetGroupArn]' --output text
# ja: DNS 名を表示します。ブラウザでこの URL を開くと Django のページが表示されるはずです。
# en: Print the DNS name. Open this URL in a browser: you should see the Django page.
DNS_NAME=$(aws elbv2 describe-load-balancers --names aws-hands-on --query 'LoadBalancers[0].DNSName' --output text)
echo "http://$DNS_NAME/"
# ja: 実際の AWS では curl でも確認できます（サンドボックスではページの「チェック」ボタンを使ってください）:
# en: On real AWS you can also try it with curl (in the sandbox, use the page's check button instead):
# curl -i "http://$DNS_NAME/"
