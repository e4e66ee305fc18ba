"""The sandbox console, mounted at /<lang>/sandbox/console/ (namespace "console").

Resources are named as the AWS console names them in its URLs: instances and groups by id, load balancers and
target groups by name (unique per account and region).
"""

from django.urls import path, register_converter

from . import views


class _Id:
    def __init__(self, prefix: str) -> None:
        self.regex = prefix + r"-[0-9a-zA-Z]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class InstanceId(_Id):
    def __init__(self) -> None:
        super().__init__("i")


class GroupId(_Id):
    def __init__(self) -> None:
        super().__init__("sg")


class ElbName:
    """Load balancer and target group names: 1-32 letters, digits and hyphens (AWS's own rule)."""

    regex = r"[A-Za-z0-9-]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(InstanceId, "instance")
register_converter(GroupId, "sg")
register_converter(ElbName, "elbname")

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("instances/", views.instances, name="instances"),
    path("instances/<instance:instance_id>/", views.instance_detail, name="instance"),
    path("instances/<instance:instance_id>/state/", views.instance_state, name="instance_state"),
    path("instances/<instance:instance_id>/launch-more/", views.launch_more, name="launch_more"),
    path("security-groups/", views.security_groups, name="security_groups"),
    path("security-groups/create/", views.security_group_create, name="security_group_create"),
    path("security-groups/<sg:group_id>/", views.security_group_detail, name="security_group"),
    path("security-groups/<sg:group_id>/inbound/", views.inbound_rules_edit, name="inbound_rules"),
    path("load-balancers/", views.load_balancers, name="load_balancers"),
    path("load-balancers/create/", views.load_balancer_types, name="load_balancer_types"),
    path("load-balancers/create/application/", views.load_balancer_create, name="load_balancer_create"),
    path("load-balancers/<elbname:name>/", views.load_balancer_detail, name="load_balancer"),
    path("load-balancers/<elbname:name>/open/", views.load_balancer_open, name="load_balancer_open"),
    path("target-groups/", views.target_groups, name="target_groups"),
    path("target-groups/create/", views.target_group_create, name="target_group_create"),
    path("target-groups/<elbname:name>/", views.target_group_detail, name="target_group"),
    path("target-groups/<elbname:name>/register/", views.register_targets, name="register_targets"),
    path("target-groups/<elbname:name>/deregister/", views.deregister_targets, name="deregister_targets"),
]
