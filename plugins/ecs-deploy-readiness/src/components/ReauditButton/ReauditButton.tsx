/*
 * Copyright 2026 The ECS Deploy Readiness Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { ecsDeployReadinessAuditRunPermission } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { Button } from '@backstage/ui';
import RefreshIcon from '@material-ui/icons/Refresh';
import type { ReauditState } from '../../hooks';

/** Whether the user may re-audit the entity (`ecs-deploy-readiness.audit.run` on it). */
export function useCanReaudit(entityRef: string): boolean {
  const { allowed } = usePermission({
    permission: ecsDeployReadinessAuditRunPermission,
    resourceRef: entityRef,
  });
  return allowed;
}

/** "Re-audit now": pending while the run goes on. Render it only when {@link useCanReaudit}. */
export function ReauditButton(props: {
  state: ReauditState;
  onPress: () => void;
  label?: string;
}) {
  const running = props.state.phase === 'running';
  return (
    <Button
      size="small"
      variant="secondary"
      iconStart={<RefreshIcon fontSize="small" />}
      onPress={props.onPress}
      isPending={running}
      isDisabled={running}
    >
      {running ? 'Auditing…' : props.label ?? 'Re-audit now'}
    </Button>
  );
}
