package push_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc/codes"

	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// TestRelayReleasesAgainAfterDatabaseRestart: the hub answers
// UNAVAILABLE while the sub-portal's own database is down, so the row
// cannot be released; once the database answers again the row goes within
// seconds, not at the end of its 5-minute lease (make chaos: a restart of
// the PostgreSQL server held a push back for minutes).
func TestRelayReleasesAgainAfterDatabaseRestart(t *testing.T) {
	s, dbURL := storetest.New(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin := func(sql string) {
		conn, err := pgx.Connect(context.Background(), u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	ident := pgx.Identifier{db}.Sanitize()
	up := func() { admin("ALTER DATABASE " + ident + " ALLOW_CONNECTIONS true") }
	t.Cleanup(up)

	h := newFakeHub()
	h.failNext(1, codes.Unavailable)
	var once sync.Once
	h.onPublish = func() {
		once.Do(func() {
			// The database goes down while the hub is being asked.
			admin("ALTER DATABASE " + ident + " ALLOW_CONNECTIONS false")
			admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "' AND pid <> pg_backend_pid()")
			go func() {
				time.Sleep(time.Second) // the outage: longer than the relay's backoff
				up()
			}()
		})
	}
	v := approve(t, s, storetest.Article("tin-sau-su-co", "Tin sau sự cố"))
	startRelay(t, s, h)
	testenv.WaitFor(t, 20*time.Second, func() error {
		rows, err := s.ListOutbox(context.Background(), "", 10)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if row.ContentID == "tin-sau-su-co" && row.Version == v && row.Status == store.StatusDelivered {
				return nil
			}
		}
		return fmt.Errorf("tin-sau-su-co v%d not delivered: %+v", v, rows)
	})
}
