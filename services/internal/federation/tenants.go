package federation

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

type credentials struct {
	tokenFile string
	hubToken  string
}

// registerTenants makes sure each tenant exists at the hub and has a live
// credential, kept in dir/<tenant>.token (mode 0600). Existing files are
// reused while the hub still accepts them.
func registerTenants(ctx context.Context, hubURL string, tenants []Tenant, dir string) (map[string]credentials, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	store, err := hubstore.Open(ctx, hubURL)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	existing, err := store.ListTenants(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]hubstore.Tenant{}
	for _, t := range existing {
		have[t.ID] = t
	}
	out := map[string]credentials{}
	for _, t := range tenants {
		want := t.hubTenant()
		if held, ok := have[t.ID]; !ok {
			if err := store.AddTenant(ctx, "devstack", want); err != nil {
				return nil, fmt.Errorf("register tenant %s: %w", t.ID, err)
			}
		} else if !sameRegistration(held, want) {
			if err := store.UpdateTenant(ctx, "devstack", want); err != nil {
				return nil, fmt.Errorf("update tenant %s: %w", t.ID, err)
			}
		}
		c := credentials{tokenFile: filepath.Join(dir, t.ID+".token")}
		if b, err := os.ReadFile(c.tokenFile); err == nil {
			tok := strings.TrimSpace(string(b))
			if got, _, err := store.Authenticate(ctx, tok); err == nil && got == t.ID {
				c.hubToken = tok
			}
		}
		if c.hubToken == "" {
			_, tok, err := store.IssueCredential(ctx, "devstack", t.ID, "devstack")
			if err != nil {
				return nil, err
			}
			if err := writeSecret(c.tokenFile, tok); err != nil {
				return nil, err
			}
			c.hubToken = tok
		}
		out[t.ID] = c
	}
	return out, nil
}

// sameRegistration says whether the hub holds what the catalogue says of a
// tenant (its status and history aside).
func sameRegistration(held, want hubstore.Tenant) bool {
	held.Status, held.Created = "", time.Time{}
	held.EstablishedOn, held.DissolvedOn = want.EstablishedOn, want.DissolvedOn
	if len(held.Hosts) == 0 && len(want.Hosts) == 0 {
		held.Hosts = want.Hosts
	}
	return reflect.DeepEqual(held, want)
}

func writeSecret(path, value string) error {
	if err := os.WriteFile(path, []byte(value+"\n"), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Chmod(path, 0o600)
}

// demoPassword returns the demo accounts' password, made once and kept in
// path (mode 0600): easy to type, and not the same on two machines.
// DemoOpsAccounts are the ops accounts of the demo (the console and
// hubctl login), each with the demo password, by login.
var DemoOpsAccounts = map[string]opsaccounts.Role{
	"xem": opsaccounts.Viewer, "vanhanh": opsaccounts.Operator, "quantri": opsaccounts.Administrator,
}

// demoOpsAccounts creates the demo's ops accounts that do not exist yet.
func demoOpsAccounts(ctx context.Context, hubURL, password string) error {
	pool, err := pgxpool.New(ctx, hubURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	accounts := opsaccounts.New(pool)
	for login, role := range DemoOpsAccounts {
		if _, err := accounts.ByLogin(ctx, login); err == nil {
			continue
		} else if !errors.Is(err, opsaccounts.ErrNotFound) {
			return fmt.Errorf("demo ops account %s: %w", login, err)
		}
		if _, err := accounts.Create(ctx, opsaccounts.NewAccount{Login: login, DisplayName: "Demo " + string(role), Role: role,
			Password: password}, "devstack"); err != nil {
			return fmt.Errorf("demo ops account %s: %w", login, err)
		}
	}
	return nil
}

func demoPassword(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 12 {
		return strings.TrimSpace(string(b)), nil
	}
	raw := make([]byte, 6)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	pw := fmt.Sprintf("khanhhoa-%x", raw)
	return pw, writeSecret(path, pw)
}

// feedbackSecrets makes (once, mode 0600 in dir) the gateway's token for
// the FeedbackService and the personal-data key the aggregator seals
// contact details with, and sets the environment that gives them to the
// aggregator and the gateway.
func (f *Federation) feedbackSecrets(dir, gatewayAddr string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	random := func(n int) (string, error) {
		raw := make([]byte, n)
		if _, err := rand.Read(raw); err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString(raw), nil
	}
	keep := func(path string, make func() (string, error)) error {
		if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			return nil
		}
		v, err := make()
		if err != nil {
			return err
		}
		return writeSecret(path, v)
	}
	token, keys := filepath.Join(dir, "gateway.hub-token"), filepath.Join(dir, "personal-data-keys")
	if err := keep(token, func() (string, error) { return random(32) }); err != nil {
		return err
	}
	if err := keep(keys, func() (string, error) {
		k, err := random(32)
		return "dev:" + k, err
	}); err != nil {
		return err
	}
	subSecret := filepath.Join(dir, "subscription-secret")
	if err := keep(subSecret, func() (string, error) { return random(32) }); err != nil {
		return err
	}
	public := "http://" + localhost(gatewayAddr)
	f.feedbackEnv = []string{"AGGREGATOR_GATEWAY_TOKEN_FILE=" + token, "PERSONAL_DATA_KEYS_FILE=" + keys,
		"PERSONAL_DATA_KEY_CURRENT=dev", "HUB_PUBLIC_URL=" + public,
		"HUB_SUBSCRIPTION_SECRET_FILE=" + subSecret, "HUB_SUBSCRIPTION_DIGEST_EVERY=1m"}
	f.gatewayHubEnv = []string{"GATEWAY_HUB_TOKEN_FILE=" + token}
	return nil
}
