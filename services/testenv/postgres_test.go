package testenv_test

import (
	"context"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/testenv"
)

var migrations atomic.Int32

// migrate is a stand-in for a package's migrations.
func migrate(ctx context.Context, url string) error {
	migrations.Add(1)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);
		INSERT INTO notes VALUES (1, 'from the template')`)
	return err
}

func TestPostgresIsolatesTests(t *testing.T) {
	var dbs [2]string
	t.Run("group", func(t *testing.T) {
		for i := range dbs {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				dbs[i] = testenv.Postgres(t, "testenv", migrate)
				conn := connect(t, dbs[i])
				if _, err := conn.Exec(t.Context(), "INSERT INTO notes VALUES (2, 'from the test')"); err != nil {
					t.Fatal(err)
				}
				var n int
				if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM notes").Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 2 {
					t.Errorf("%d notes, want the template's and this test's: 2", n)
				}
			})
		}
	})
	if dbs[0] == dbs[1] {
		t.Errorf("both tests got %s", dbs[0])
	}
	if got := migrations.Load(); got != 1 {
		t.Errorf("migrated %d times, want once", got)
	}
	// Each database is dropped when its test ends.
	for _, db := range dbs {
		u, err := url.Parse(db)
		if err != nil {
			t.Fatal(err)
		}
		name := u.Path[1:]
		u.Path = "/postgres"
		var exists bool
		if err := connect(t, u.String()).QueryRow(t.Context(), "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists {
			t.Errorf("database %s still exists after its test", name)
		}
	}
}

// A migration that leaves a connection open to the template must not keep
// tests from copying it.
func TestPostgresEndsLeftoverConnections(t *testing.T) {
	var leaked *pgx.Conn
	db := testenv.Postgres(t, "leaky", func(ctx context.Context, url string) error {
		var err error
		leaked, err = pgx.Connect(ctx, url)
		return err
	})
	defer leaked.Close(context.Background())
	var one int
	if err := connect(t, db).QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
