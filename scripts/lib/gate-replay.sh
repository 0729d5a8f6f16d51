# shellcheck shell=bash
# The demo's deployment-gate replay, for ./scripts/start (ECS_READINESS_REPLAY_GATE=1) and the
# browser tests (scripts/lib/smoke.sh): the gate (packages/ecs-deploy-gate) bundled and loaded in
# the sandbox as storefront-web's Lambda lifecycle hook, its settings (the sandbox's endpoints,
# shop-prod's key, where to report) in the sandbox process's environment only, a static token of
# the run for its reports, and a replay of a deployment of the arm64-only storefront-web:9 once
# the backend answers (docs/deployment-gate.md). Sourced after setup.sh.

GATE_REPLAY_ARN="arn:aws:lambda:eu-west-1:111111111111:function:ecs-deploy-gate"

# gate_replay_setup <bundle> <sandbox-url> <backend-url>: sets GATE_REPLAY_TOKEN (a new token),
# GATE_REPLAY_ARGS (the sandbox's `serve` arguments) and GATE_REPLAY_ENV (its environment).
gate_replay_setup() {
  local bundle="$1" sandbox_url="$2" backend_url="$3"
  GATE_REPLAY_TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  GATE_REPLAY_ARGS=(--lifecycle-hook "$GATE_REPLAY_ARN=$bundle"
    --replay-deployment "shop-prod/storefront-web=storefront-web:9"
    --replay-after "$backend_url/api/ecs-deploy-readiness/health")
  GATE_REPLAY_ENV=("ECS_GATE_REPORT_URL=$backend_url"
    "ECS_GATE_REPORT_TOKEN=$GATE_REPLAY_TOKEN"
    "ECS_GATE_AWS_ENDPOINT=$sandbox_url"
    "ECS_GATE_ECR_DISTRIBUTION_ENDPOINT=$sandbox_url/ecr/{accountId}/{region}"
    "ECS_GATE_REGISTRY_ENDPOINTS={\"docker.io\":\"$sandbox_url/registries/docker.io\"}"
    AWS_ACCESS_KEY_ID=AKIASANDBOXSHOPPROD1 AWS_SECRET_ACCESS_KEY=sandbox AWS_REGION=eu-west-1)
}

# gate_bundle <outfile> <logfile>: bundles the gate into one file.
gate_bundle() {
  node "$REPO_ROOT/packages/ecs-deploy-gate/scripts/bundle.mjs" --outfile "$1" >"$2" 2>&1
}

# gate_external_access_yaml <token>: the `auth` block, under `backend:`, that accepts the gate's
# token as a static external-access token restricted to this plugin.
gate_external_access_yaml() {
  cat <<YAML
  auth:
    externalAccess:
      - type: static
        options:
          token: $1
          subject: ecs-deploy-gate
        accessRestrictions:
          - plugin: ecs-deploy-readiness
YAML
}
