# ja: 事前準備: チュートリアルのインスタンス（タグ CodeDeploy=aws-hands-on）を探し、停止していれば起動します。
# en: Before you start: find the tutorial's instance (tag CodeDeploy=aws-hands-on) and start it if it is stopped.
INSTANCE_ID=$(aws ec2 describe-instances \
  --filters "Name=tag:CodeDeploy,Values=aws-hands-on" "Name=instance-state-name,Values=pending,running,stopping,stopped" \
  --query 'Reservations[0].Instances[0].InstanceId' --output text)
echo "instance: $INSTANCE_ID"
# ja: 停止中なら起動し、running になるまで待ちます（起動中なら何も変わりません）。
# en: Start it if it is stopped and wait until it is running (nothing changes if it already runs).
aws ec2 start-instances --instance-ids "$INSTANCE_ID" --query 'StartingInstances[0].CurrentState.Name' --output text
aws ec2 wait instance-running --instance-ids "$INSTANCE_ID"
aws ec2 describe-instances --instance-ids "$INSTANCE_ID" \
  --query 'Reservations[0].Instances[0].[InstanceId,State.Name,PublicIpAddress]' --output text
