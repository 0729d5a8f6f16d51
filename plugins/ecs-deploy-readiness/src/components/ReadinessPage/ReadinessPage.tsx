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

import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StatusOK,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { ecsDeployReadinessApiRef } from '../../api';

/**
 * The org-wide deploy readiness page. For now it shows whether the backend answers; the
 * scorecard fills it in a later release.
 *
 * @public
 */
export function ReadinessPage() {
  const api = useApi(ecsDeployReadinessApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);

  return (
    <Page themeId="tool">
      <Header
        title="ECS deploy readiness"
        subtitle="Will ECS be able to pull and start your images?"
      />
      <Content>
        <InfoCard title="Backend">
          {loading && <Progress />}
          {error && <ResponseErrorPanel error={error} />}
          {value && <StatusOK>Backend status: {value.status}</StatusOK>}
        </InfoCard>
      </Content>
    </Page>
  );
}
