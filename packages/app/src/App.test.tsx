import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import App from './App';

const json = (body: unknown) =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  });

// What the guest provider's refresh answers: a token (unsigned; the app only reads its expiry)
// and the identity.
function guestSession() {
  const part = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  const userEntityRef = 'user:default/guest';
  const token = [
    part({ alg: 'none' }),
    part({ sub: userEntityRef, exp: Math.floor(Date.now() / 1000) + 3600 }),
    'signature',
  ].join('.');
  return {
    profile: {},
    backstageIdentity: {
      token,
      identity: {
        type: 'user',
        userEntityRef,
        ownershipEntityRefs: [userEntityRef],
      },
    },
  };
}

describe('App', () => {
  beforeEach(() => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
  });

  afterEach(() => jest.restoreAllMocks());

  it('should render', async () => {
    const rendered = render(App.createRoot());

    await waitFor(() => {
      expect(rendered.baseElement).toBeInTheDocument();
    });
  });

  it('shows the notifications bell in the sidebar, once, with the unread count', async () => {
    jest.spyOn(global, 'fetch').mockImplementation(async input => {
      const url = String(input instanceof Request ? input.url : input);
      if (url === 'http://localhost:7007/api/auth/guest/refresh') {
        return json(guestSession());
      }
      if (url === 'http://localhost:7007/api/notifications/status') {
        return json({ unread: 3, read: 1 });
      }
      return new Response('{}', { status: 404 });
    });
    render(App.createRoot());

    fireEvent.click(
      await screen.findByRole(
        'button',
        { name: /^enter$/i },
        { timeout: 15_000 },
      ),
    );

    const bell = await screen.findByRole(
      'link',
      { name: /^Notifications/ },
      { timeout: 15_000 },
    );
    expect(bell).toHaveAttribute('href', '/notifications');
    await waitFor(() => expect(bell).toHaveTextContent(/^Notifications3$/));
    // The notifications page's own nav item is taken out: one entry, the bell.
    expect(screen.getAllByRole('link', { name: /Notifications/ })).toHaveLength(
      1,
    );
  }, 30_000);
});
