package mailout

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var waitFor = testenv.WaitFor

// testPool returns a pool on a fresh database with the newest hub schema.
func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), testenv.Postgres(t, "mailout_hub", hubschema.Migrate))
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
