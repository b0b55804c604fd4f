package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// checkChart refuses a dataset whose chart names a column its data file
// lacks (contentrules.CheckChartColumns): the sub-portal holds the file,
// the hub's rules cannot see into it. Only the file's first
// contentrules.CSVHeaderPrefix bytes are read.
func checkChart(ctx context.Context, q querier, item *pb.ContentItem) error {
	ds := item.GetDataset()
	if ds.GetChart() == nil || ds.GetDataSha256() == "" {
		return nil
	}
	head, err := csvHead(ctx, q, ds.GetDataSha256())
	if err != nil || head == nil {
		return err // a file not held is refused as BLOB_MISSING before
	}
	return rulesError(contentrules.CheckChartColumns(ds, head))
}

// FileHead returns the first contentrules.CSVHeaderPrefix bytes of a
// stored file, enough for its CSV header (contentrules.CSVHeader and
// CheckChartColumns take it). A file not held is NotFound.
func (s *Store) FileHead(ctx context.Context, sha string) (_ []byte, err error) {
	defer boundary(&err)
	head, err := csvHead(ctx, s.pool, sha)
	if err != nil {
		return nil, err
	}
	if head == nil {
		return nil, errs.New(errs.NotFound, "sha256", "no such file", "Không có tệp này.")
	}
	return head, nil
}

// csvHead reads the first bytes of a stored file; nil when it is not held.
func csvHead(ctx context.Context, q querier, sha string) ([]byte, error) {
	var head []byte
	err := q.QueryRow(ctx, `SELECT substring(data FROM 1 FOR $2) FROM blobs WHERE sha256 = $1`,
		sha, contentrules.CSVHeaderPrefix).Scan(&head)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the head of file %s: %w", sha, err)
	}
	if head == nil {
		head = []byte{}
	}
	return head, nil
}

// rulesError is the error of violations of the hub's rules, under the
// sub-portal's field names; nil for none.
func rulesError(vs []contentrules.Violation) error {
	if e := errs.Rules(vs, itemField); e != nil {
		return e
	}
	return nil
}
