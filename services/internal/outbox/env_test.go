package outbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// testDatabase returns a fresh database with the newest hub schema.
func testDatabase(t *testing.T) string {
	return testenv.Postgres(t, "outbox_hub", migrateHub)
}

// migrateHub migrates with hubschema.Migrate. The skeleton's 00001_hub.sql
// lacks goose StatementBegin/End around its plpgsql functions, so goose
// splits them at their semicolons and fails; until hubschema is fixed, this
// applies the Up section of each migration file as one simple-protocol
// script instead, which handles the dollar quoting.
func migrateHub(ctx context.Context, url string) error {
	if err := hubschema.Migrate(ctx, url); err == nil {
		return nil
	}
	files, err := filepath.Glob("../../hubschema/migrations/*.sql")
	if err != nil || len(files) == 0 {
		return fmt.Errorf("find hub migrations: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		up, _, _ := strings.Cut(string(b), "-- +goose Down")
		if _, err := conn.Exec(ctx, up); err != nil {
			return fmt.Errorf("apply %s: %w", f, err)
		}
	}
	return nil
}

// natsServer starts an in-process NATS server with the hub's users and the
// content stream, storing under dir, shut down when the test ends. These
// tests own the content stream (they count its messages and delete it), so
// they run a server of their own.
func natsServer(t *testing.T, dir string, port int) *testenv.NATSServer {
	t.Helper()
	s, err := testenv.StartNATS(dir, port)
	if err != nil {
		t.Fatalf("nats server: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

var waitFor = testenv.WaitFor
