"""The deployment files: the image, docker-compose.yml and deploy/k8s, checked offline.

The Kubernetes manifests are validated against the API schemas that kubernetes-validate
ships (no download); the probes must be wired to /healthz, /readyz and `manage.py probe`.
"""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30"


def manifests() -> list[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


def by_name(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifests() if doc["kind"] == kind}


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


@pytest.mark.parametrize(
    "doc", manifests(), ids=lambda doc: f"{doc['kind']}/{doc['metadata']['name']}"
)
def test_each_manifest_is_valid_against_the_kubernetes_schema(doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_validator_refuses_a_wrong_manifest():
    """The check above can fail: a probe with a misspelt field is refused."""
    wrong = yaml.safe_load((K8S / "web.yaml").read_text().split("---")[0])
    container(wrong)["readinessProbe"]["httpGet"]["pathh"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(listed) == on_disk


def test_two_of_each_process_with_probes_wired_to_health():
    deployments = by_name("Deployment")
    assert {name: d["spec"]["replicas"] for name, d in deployments.items()} == {
        "cad-web": 2,
        "cad-worker": 2,
        "cad-beat": 2,
    }
    web = container(deployments["cad-web"])
    port_names = {port["name"] for port in web["ports"]}
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["readinessProbe"]["httpGet"]["port"] in port_names
    worker = container(deployments["cad-worker"])
    assert "inspect ping" in " ".join(worker["livenessProbe"]["exec"]["command"])
    assert worker["readinessProbe"]["exec"]["command"] == ["python", "manage.py", "probe"]
    beat = container(deployments["cad-beat"])
    assert beat["command"][:4] == ["celery", "-A", "cad", "beat"]
    assert beat["livenessProbe"]["exec"]["command"][:3] == ["python", "manage.py", "probe"]
    assert set(by_name("PodDisruptionBudget")) == {"cad-web", "cad-worker", "cad-beat"}


def test_compose_runs_two_web_two_workers_and_two_beats_from_the_image():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for role in ("web", "worker", "beat"):
        assert sorted(name for name in services if name.rstrip("12") == role) == [
            f"{role}1",
            f"{role}2",
        ]
    for name in ("web1", "web2", "worker1", "worker2", "beat1", "beat2", "migrate"):
        assert services[name]["build"] == "."
        assert services[name]["restart"] in ("unless-stopped", "no")
    assert "/readyz" in " ".join(services["web1"]["healthcheck"]["test"])
    assert "probe" in " ".join(services["beat1"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker1"]["healthcheck"]["test"])
    assert "--appendonly" in services["redis"]["command"]
    nginx = (ROOT / "deploy" / "compose" / "nginx.conf").read_text()
    assert "server web1:8000" in nginx and "server web2:8000" in nginx


def test_the_image_installs_the_package_with_pip():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir ." in dockerfile
    assert "USER 10001" in dockerfile  # numeric: runAsNonRoot can check it
