package editorial

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/rs/zerolog"
)

// Service runs the editorial workflow over the sub-portal's database.
type Service struct {
	pool  *pgxpool.Pool
	st    *store.Store
	board Board
	log   zerolog.Logger
	now   func() time.Time
}

// New returns the workflow over pool (the sub-portal's database, migrated)
// and st (the same database's store, which approvals push through).
func New(pool *pgxpool.Pool, st *store.Store, board Board, log zerolog.Logger) *Service {
	return &Service{pool: pool, st: st, board: board, log: log, now: time.Now}
}

// Board returns the board's configuration.
func (s *Service) Board() Board { return s.board }

// querier is a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// inTx runs fn in a transaction and commits it when fn succeeds.
func (s *Service) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(err, "begin")
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// audit records action on rev by actor in the audit log, in tx, with extra
// details.
func (s *Service) audit(ctx context.Context, tx pgx.Tx, actor accounts.Account, action Action, rev Revision, extra map[string]any) error {
	d := map[string]any{"revision": rev.ID, "number": rev.Number, "state": rev.State}
	for k, v := range extra {
		d[k] = v
	}
	detail, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return store.AuditTx(ctx, tx, actor.Username, "editorial_"+string(action), rev.ContentID, int64(rev.HubVersion), detail)
}

// refused logs a refusal that says something about the board's work (a
// permission or a conflict); mistakes on a form are not logged.
func (s *Service) refused(actor accounts.Account, action Action, revID int64, err error) {
	if k := errs.KindOf(err); k == errs.PermissionDenied || k == errs.Conflict {
		s.log.Info().Str("actor", actor.Username).Str("action", string(action)).Int64("revision", revID).Err(err).Msg("editorial action refused")
	}
}

// displayName is how a person is named on a revision.
func displayName(a accounts.Account) string {
	if a.DisplayName != "" {
		return a.DisplayName
	}
	return a.Username
}

// wrap adds context to err, and is nil when err is.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// categories returns the hub's category list as the sub-portal keeps it
// (nil when the hub never sent one: the hub decides).
func (s *Service) categories(ctx context.Context) (contentrules.Categories, error) {
	list, err := s.st.Categories(ctx)
	if err != nil {
		return nil, err
	}
	return contentrules.CategoriesOf(list), nil
}
