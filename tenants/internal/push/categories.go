package push

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// CategoryRefresh is how often the sub-portal asks the hub for its category
// list again: the list changes only with the hub's migrations.
const CategoryRefresh = 10 * time.Minute

// SyncCategories asks the hub for its category list and keeps it in st, in
// place of the list kept before.
func SyncCategories(ctx context.Context, hub pb.IngestServiceClient, st *store.Store) (int, error) {
	resp, err := hub.ListCategories(ctx, &pb.ListCategoriesRequest{})
	if err != nil {
		return 0, fmt.Errorf("list the hub's categories: %w", err)
	}
	if len(resp.GetCategories()) == 0 {
		return 0, fmt.Errorf("the hub answered an empty category list; keeping the previous one")
	}
	if err := st.SaveCategories(ctx, resp.GetCategories()); err != nil {
		return 0, err
	}
	return len(resp.GetCategories()), nil
}

// KeepCategories syncs the category list until ctx ends: at once, then
// every every (CategoryRefresh when 0); after a failure it retries with
// backoff, and the back office and the API go on with the list kept last.
func KeepCategories(ctx context.Context, hub pb.IngestServiceClient, st *store.Store, log zerolog.Logger, every time.Duration, backoff pgwake.Backoff) {
	if every <= 0 {
		every = CategoryRefresh
	}
	fails, received := 0, false
	for {
		callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		n, err := SyncCategories(callCtx, hub, st)
		cancel()
		wait := every
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			fails++
			wait = min(backoff.Delay(fails), every)
			log.Warn().Err(err).Dur("retry_in", wait).Msg("could not refresh the hub's category list; keeping the last one")
		} else {
			ev := log.Debug()
			if !received || fails > 0 {
				ev = log.Info()
			}
			ev.Int("categories", n).Msg("category list received from the hub")
			fails, received = 0, true
		}
		if !pgwake.Sleep(ctx, wait) {
			return
		}
	}
}
