package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/opsapi"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/personaldata"
	"github.com/portalhub/portalhub/services/testenv"
)

// opsPassword is the password of the test's ops accounts.
const opsPassword = "Tháp Bà Ponagar 2026"

// hub is a hub database with the OpsService served over TLS in process,
// and hubctl's environment pointing at both.
type hub struct {
	url      string
	store    *hubstore.Store
	accounts *opsaccounts.Store
	env      map[string]string
	// oldKeys wraps data keys under k1, a key-encryption key the
	// aggregator still holds but no longer wraps with (its current: k2).
	oldKeys *personaldata.Keyring
}

// newHub starts the hub; accounts are made with role for each login.
func newHub(t *testing.T, logins map[string]opsaccounts.Role) *hub {
	t.Helper()
	ctx := context.Background()
	url := testenv.Postgres(t, "hubctl", hubschema.Migrate)
	store, err := hubstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	h := &hub{url: url, store: store, accounts: opsaccounts.New(store.Pool())}
	for login, role := range logins {
		if _, err := h.accounts.Create(ctx, opsaccounts.NewAccount{Login: login, Role: role, Password: opsPassword}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	ca, cert, key, err := devtls.Ensure(filepath.Join(dir, "tls"))
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := devtls.ServerTLS(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := compliance.Load("../../../deploy/rules/khanhhoa.toml")
	if err != nil {
		t.Fatal(err)
	}
	newKEK := func() string {
		b := make([]byte, personaldata.KeySize)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	k1, k2 := "k1:"+newKEK(), "k2:"+newKEK()
	if h.oldKeys, err = personaldata.ParseKeyring(k1, ""); err != nil {
		t.Fatal(err)
	}
	ring, err := personaldata.ParseKeyring(k1+","+k2, "k2")
	if err != nil {
		t.Fatal(err)
	}
	srv := opsapi.NewGRPCServer(opsapi.New(opsapi.Config{Store: store, Accounts: h.accounts, Rules: rules, Log: zerolog.Nop(),
		PersonalData: personaldata.NewStore(store.Pool(), ring)}), tlsCfg, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	h.env = map[string]string{
		"DATABASE_URL": url, "USER": "operator",
		"HUBCTL_ADDR": ln.Addr().String(), "HUBCTL_CA": ca, "HUBCTL_TOKEN_FILE": filepath.Join(dir, "config", "login.json"),
	}
	return h
}

// ctl runs hubctl with in as its standard input.
func (h *hub) ctl(in string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	stdin = strings.NewReader(in)
	code := run(context.Background(), args, func(k string) string { return h.env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

// login logs hubctl in as login.
func (h *hub) login(t *testing.T, login string) {
	t.Helper()
	if code, out, e := h.ctl(opsPassword+"\n", "login", "--login", login); code != 0 {
		t.Fatalf("login %s: %d %q %q", login, code, out, e)
	}
}
