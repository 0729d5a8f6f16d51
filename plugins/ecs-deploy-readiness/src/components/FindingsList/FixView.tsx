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

import { CodeSnippet, Link } from '@backstage/core-components';
import { Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import type { Fix } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';

// The fix catalogue writes commands in these; CodeSnippet (Prism) names two of them otherwise.
const PRISM_LANGUAGE: Record<string, string> = {
  shell: 'bash',
  json: 'json',
  yaml: 'yaml',
  dockerfile: 'docker',
};

const useStyles = makeStyles(theme => ({
  steps: {
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(2.5),
    '& > li': { marginBottom: theme.spacing(1) },
  },
  snippet: {
    marginTop: theme.spacing(0.5),
    '& pre': { margin: 0, fontSize: '0.8rem' },
  },
  docs: {
    margin: theme.spacing(0.5, 0, 0),
    paddingLeft: theme.spacing(2.5),
  },
}));

/** Values a fix can be tailored with on this page, for the `<placeholders>` it still has. */
export type FixContext = Partial<
  Record<'cluster' | 'service' | 'region' | 'account-id', string>
>;

/**
 * Fills the `<placeholders>` that the backend could not (it renders fixes from the image's facts;
 * the card also knows the service the finding is about).
 */
export function fillPlaceholders(text: string, context: FixContext = {}) {
  return text.replace(
    /<(cluster|service|region|account-id)>/g,
    (match, key) => {
      return context[key as keyof FixContext] ?? match;
    },
  );
}

/** A fix: why, what to run (each command with a copy button), and where to read more. */
export function FixView(props: { fix: Fix; context?: FixContext }) {
  const { fix, context } = props;
  const classes = useStyles();
  return (
    <div data-testid="fix">
      <Text as="p" variant="body-medium">
        {fillPlaceholders(fix.summary, context)}
      </Text>
      {fix.steps.length > 0 && (
        <ol className={classes.steps}>
          {fix.steps.map((step, i) => (
            <li key={i}>
              <Text variant="body-medium">
                {fillPlaceholders(step.text, context)}
              </Text>
              {step.command && (
                <div className={classes.snippet}>
                  <CodeSnippet
                    text={fillPlaceholders(step.command, context)}
                    language={
                      PRISM_LANGUAGE[step.language ?? 'shell'] ?? 'bash'
                    }
                    showCopyCodeButton
                    customStyle={{ margin: 0, padding: '8px 12px' }}
                  />
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {fix.docs.length > 0 && (
        <>
          <Text as="p" variant="body-small" weight="bold">
            Documentation
          </Text>
          <ul className={classes.docs}>
            {fix.docs.map(doc => (
              <li key={doc.url}>
                <Text variant="body-small">
                  <Link
                    to={doc.url}
                    target="_blank"
                    rel="noopener noreferrer"
                    externalLinkIcon
                  >
                    {doc.title}
                  </Link>
                </Text>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
