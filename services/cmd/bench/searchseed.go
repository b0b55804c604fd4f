package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The search benchmark's corpus: items of tenants don-vi-01..NN, generated
// from their number (so any item can be generated again, at any version),
// and stored through the hub's own write path (contentrules.Prepare, then
// hubstore.Apply).

// tenantID is the id of the benchmark's tenant n (0-based).
func tenantID(n int) string { return fmt.Sprintf("don-vi-%02d", n+1) }

// articleCategories are the categories of generated articles.
var articleCategories = []string{"news", "news", "news", "tourism", "policy", "highlights", "investment", "procurement"}

// legalTypes are the generated legal documents' types: the number's code,
// the type (the register's filter) and the issuer.
var legalTypes = []struct{ code, name, issuer string }{
	{"QĐ-UBND", "Quyết định", "Ủy ban nhân dân tỉnh Khánh Hòa"},
	{"NQ-HĐND", "Nghị quyết", "Hội đồng nhân dân tỉnh Khánh Hòa"},
	{"CT-UBND", "Chỉ thị", "Ủy ban nhân dân tỉnh Khánh Hòa"},
	{"KH-UBND", "Kế hoạch", "Ủy ban nhân dân tỉnh Khánh Hòa"},
}

// item is item i (0-based) of a corpus over tenants, at version:
// its tenant, and the item. About 15% are legal documents; every item has
// Vietnamese, 30% English and 10% Russian.
func (g *textGen) item(i, tenants int, version uint64, now time.Time) (string, *pb.ContentItem) {
	// What an item is (r) stays from version to version; its text (t)
	// changes.
	r := rand.New(rand.NewPCG(uint64(i), 0))
	t := rand.New(rand.NewPCG(uint64(i), version))
	tenant := tenantID(r.IntN(tenants))
	topic := r.IntN(len(topicsVI))
	place := g.places[r.IntN(len(g.places))]
	id := fmt.Sprintf("bai-%06d", i)
	it := &pb.ContentItem{
		ContentId: id, Version: version, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE,
		Category:    articleCategories[r.IntN(len(articleCategories))],
		State:       pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		PublishedAt: timestamppb.New(now.Add(-time.Duration(r.Int64N(int64(5 * 365 * 24 * time.Hour))))),
		Authors:     []*pb.Person{{Name: person(r)}},
		Approver:    &pb.Person{Name: person(r)},
	}
	words := wordCount(t)
	it.Translations = []*pb.Translation{{Locale: "vi", Title: g.title(t, "vi", topic, place),
		Summary: g.summary(t, "vi", topic, place), BodyHtml: g.body(t, "vi", topic, place, words), Slug: id}}
	// A translation has fewer words than the Vietnamese (one word of
	// Vietnamese is one syllable).
	if r.IntN(10) < 3 {
		it.Translations = append(it.Translations, &pb.Translation{Locale: "en", Title: g.title(t, "en", topic, place),
			Summary: g.summary(t, "en", topic, place), BodyHtml: g.body(t, "en", topic, place, words*7/10), Slug: id + "-en"})
	}
	if r.IntN(10) == 0 {
		it.Translations = append(it.Translations, &pb.Translation{Locale: "ru", Title: g.title(t, "ru", topic, place),
			Summary: g.summary(t, "ru", topic, place), BodyHtml: g.body(t, "ru", topic, place, words*7/10), Slug: id + "-ru"})
	}
	if r.IntN(100) < 15 {
		it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
		year := 2020 + r.IntN(7)
		n, k := 1+r.IntN(60), r.IntN(len(legalTypes))
		it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{
			Number:       fmt.Sprintf("%d/%d/%s", n, year, legalTypes[k].code),
			DocumentType: legalTypes[k].name, Issuer: legalTypes[k].issuer, Signer: person(r),
			IssuedOn: fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28))}}
	}
	return tenant, it
}

// addTenants registers the benchmark's tenants.
func addTenants(ctx context.Context, hub *hubstore.Store, n int) error {
	for i := 0; i < n; i++ {
		kind, name := "commune", fmt.Sprintf("UBND %s", places[i%len(places)])
		if i%5 == 0 {
			kind, name = "department", fmt.Sprintf("Sở thử nghiệm số %d", i+1)
		}
		if err := hub.AddTenant(ctx, "bench", hubstore.Tenant{ID: tenantID(i), Kind: kind, NameVI: name}); err != nil {
			return fmt.Errorf("add tenant %s: %w", tenantID(i), err)
		}
	}
	return nil
}

// prepared is a push ready for Apply.
type prepared struct {
	tenant string
	p      *contentrules.Prepared
}

// prepare generates item i at version as the hub stores it. The bench's
// text is generated clean (NFC, plain paragraphs), so the aggregator's
// checks (contentrules.Prepare: validation, sanitising, vnenc's search for
// legacy encodings) are left out of what is timed: they cost the same with
// or without the index, and vnenc works hard on made-up syllables that no
// real text holds. checkSample runs them on a sample instead.
func (g *textGen) prepare(i, tenants int, version uint64, now time.Time) (prepared, error) {
	tenant, it := g.item(i, tenants, version, now)
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(it)
	if err != nil {
		return prepared{}, err
	}
	return prepared{tenant: tenant, p: &contentrules.Prepared{Item: it, Hash: sha256.Sum256(b)}}, nil
}

// checkSample runs the aggregator's checks on n generated items: the hub
// would accept every one as it is (Prepare changes nothing but the order
// of nothing, see prepare).
func (g *textGen) checkSample(hub *hubstore.Store, n, tenants int, now time.Time) error {
	for i := 0; i < n; i++ {
		tenant, it := g.item(i, tenants, 1, now)
		p, err := contentrules.Prepare(it, hub.Categories())
		if err != nil {
			return fmt.Errorf("generated item %s/%s: %w", tenant, it.GetContentId(), err)
		}
		if !proto.Equal(p.Item, it) {
			return fmt.Errorf("generated item %s/%s: the hub's checks change it", tenant, it.GetContentId())
		}
	}
	return nil
}

// seed generates, prepares and applies items 0..n-1 with workers
// goroutines.
func seed(ctx context.Context, hub *hubstore.Store, g *textGen, n, tenants, workers int, now time.Time) error {
	var next, done atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				p, err := g.prepare(i, tenants, 1, now)
				if err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				_, err = hub.Apply(ctx, p.tenant, p.p)
				if err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				if d := done.Add(1); d%(max(int64(n)/20, 1)) == 0 {
					fmt.Fprintf(os.Stderr, "  seeded %d of %d items (%s)\n", d, n, time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// copySample is how many items seedCorpus stores through Apply, and
// copyCheck compares with COPY's rows.
const copySample = 300

// seedCorpus stores items 0..n-1: the first copySample through hub's
// Apply (after the aggregator's checks, checkSample), the rest with COPY
// (seedCopy), checked on the sample to store the same rows (copyCheck).
func seedCorpus(ctx context.Context, hub *hubstore.Store, pool *pgxpool.Pool, g *textGen, n, tenants, workers int, now time.Time) error {
	sample := min(n, copySample)
	if err := g.checkSample(hub, sample, tenants, now); err != nil {
		return err
	}
	if err := seed(ctx, hub, g, sample, tenants, workers, now); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := copyCheck(ctx, pool, g, sample, tenants, now); err != nil {
		return err
	}
	return seedCopy(ctx, pool, g, sample, n, tenants, workers, now)
}
