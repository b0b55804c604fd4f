// Package store is the sub-portal's own database: the approved state and
// every approved version of each item, the files, the push outbox and the
// audit log. Every approved change writes its outbox row in the transaction
// that changes the content, so nothing acknowledged to an editor is lost.
package store

import (
	"context"
	"embed"
	"io/fs"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/pgmigrate"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

//go:embed migrations/*.sql
var migrations embed.FS

// NotifyChannel is the channel the outbox insert trigger notifies.
const NotifyChannel = "subportal_outbox"

// Migrate brings the database at url to the newest schema version.
func Migrate(ctx context.Context, url string) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return pgmigrate.Up(ctx, url, pgmigrate.SubPortal, sub)
}

// Store reads and writes the sub-portal's database.
type Store struct {
	pool *pgxpool.Pool
	// onOutbox: see OnOutbox.
	onOutbox atomic.Pointer[func()]
}

// OnOutbox sets the function an approved change calls once its
// transaction, which wrote the change's outbox row, committed: the relay's
// Wake, so that the push leaves at commit without waiting for the
// notification's way through the database.
func (s *Store) OnOutbox(f func()) { s.onOutbox.Store(&f) }

// outboxCommitted calls the OnOutbox function, if any.
func (s *Store) outboxCommitted() {
	if f := s.onOutbox.Load(); f != nil {
		(*f)()
	}
}

// New returns a store over pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Pool returns the connection pool (for readiness checks and LISTEN).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks the database is reachable.
func (s *Store) Ping(ctx context.Context) error { return errs.FromDatabase(s.pool.Ping(ctx)) }
