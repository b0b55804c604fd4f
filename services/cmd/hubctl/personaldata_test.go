package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/personaldata"
	"github.com/portalhub/portalhub/services/testenv"
)

// hubctl personal-data rewrap moves the data keys to the current key, says
// how many, records it in the audit log, and refuses to run without keys.
func TestPersonalDataRewrap(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t, "hubctl", hubschema.Migrate)
	key := func() string {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	k1, k2 := "k1:"+key(), "k2:"+key()
	env := map[string]string{"DATABASE_URL": url, "USER": "operator"}
	ctl := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	if code, _, e := ctl("personal-data", "rewrap"); code != 2 || !strings.Contains(e, "PERSONAL_DATA_KEYS") {
		t.Errorf("without keys: %d %q, want 2 and a message naming PERSONAL_DATA_KEYS", code, e)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	old, err := personaldata.ParseKeyring(k1, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sub-1", "sub-2"} {
		if _, err := personaldata.NewStore(pool, old).Create(ctx, id, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	env["PERSONAL_DATA_KEYS"], env["PERSONAL_DATA_KEY_CURRENT"] = k1+","+k2, "k2"
	code, out, e := ctl("personal-data", "rewrap")
	if code != 0 || !strings.Contains(out, "2 data keys rewrapped under k2") {
		t.Fatalf("rewrap: %d %q %q", code, out, e)
	}
	if strings.Contains(out+e, k1[3:]) || strings.Contains(out+e, k2[3:]) {
		t.Errorf("output reveals a key: %q %q", out, e)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_keys WHERE kek_id = 'k2'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("keys under k2: got %d (%v), want 2", n, err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'personal_data.rewrap'
		AND actor = 'operator' AND detail = '{"kek": "k2", "moved": 2}'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries: got %d (%v), want 1", n, err)
	}
}
