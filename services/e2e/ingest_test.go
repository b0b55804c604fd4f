package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// article is a minimal valid news item.
func article(id string, version uint64, title string) *pb.ContentItem {
	return &pb.ContentItem{
		ContentId: id, Version: version, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		State:        pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{{Locale: "vi", Title: title, Summary: "Tóm tắt", BodyHtml: "<p>Nội dung</p>", Slug: id}},
		Authors:      []*pb.Person{{Name: "Nguyễn Văn An"}},
		Approver:     &pb.Person{Name: "Trần Thị Bình"},
		PublishedAt:  timestamppb.New(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)),
	}
}

// reasonOf is the first field violation's reason (or the status's own).
func reasonOf(err error) string { return contentrules.ReasonOf(err) }

func TestBadInputIsRefusedPrecisely(t *testing.T) {
	tok := fed.SubPortals["so-a"].HubToken
	client, ctx := ingestClient(t, tok)
	good := article("bad-input-baseline", 1, "Bản tin gốc")
	if _, err := client.Publish(ctx, &pb.PublishRequest{Item: good}); err != nil {
		t.Fatalf("baseline publish: %v", err)
	}

	mod := func(f func(*pb.ContentItem)) *pb.ContentItem {
		it := proto.Clone(good).(*pb.ContentItem)
		it.Version = 2
		f(it)
		return it
	}
	cases := []struct {
		name       string
		item       *pb.ContentItem
		code       codes.Code
		reason     string
		fieldsHave string
	}{
		{"version 0", mod(func(it *pb.ContentItem) { it.Version = 0 }), codes.InvalidArgument, contentrules.ReasonVersionZero, "version"},
		{"title over the limit", mod(func(it *pb.ContentItem) { it.Translations[0].Title = strings.Repeat("á", 301) }), codes.InvalidArgument, contentrules.ReasonTooLong, "title"},
		{"unknown locale", mod(func(it *pb.ContentItem) {
			it.Translations = append(it.Translations, &pb.Translation{Locale: "fr", Title: "x", Slug: "x"})
		}), codes.InvalidArgument, contentrules.ReasonUnknownLocale, "locale"},
		{"unknown category", mod(func(it *pb.ContentItem) { it.Category = "no-such-category" }), codes.InvalidArgument, contentrules.ReasonUnknownCategory, "category"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := client.Publish(ctx, &pb.PublishRequest{Item: c.item})
			if got := status.Code(err); got != c.code {
				t.Fatalf("code: got %v (%v), want %v", got, err, c.code)
			}
			if got := reasonOf(err); got != c.reason {
				t.Errorf("reason: got %q, want %q (%v)", got, c.reason, err)
			}
			assertVersion(t, client, ctx, "bad-input-baseline", 1)
		})
	}

	t.Run("unauthenticated", func(t *testing.T) {
		anon, actx := ingestClient(t, "")
		_, err := anon.Publish(actx, &pb.PublishRequest{Item: mod(func(*pb.ContentItem) {})})
		if got := status.Code(err); got != codes.Unauthenticated {
			t.Fatalf("got %v, want Unauthenticated", err)
		}
		bogus, bctx := ingestClient(t, "phk_not-a-real-token")
		_, err = bogus.Publish(bctx, &pb.PublishRequest{Item: mod(func(*pb.ContentItem) {})})
		if got := status.Code(err); got != codes.Unauthenticated {
			t.Fatalf("bogus token: got %v, want Unauthenticated", err)
		}
		assertVersion(t, client, ctx, "bad-input-baseline", 1)
	})

	t.Run("oversized message", func(t *testing.T) {
		it := mod(func(it *pb.ContentItem) { it.Translations[0].BodyHtml = strings.Repeat("<p>đ</p>", 700_000) })
		_, err := client.Publish(ctx, &pb.PublishRequest{Item: it})
		if got := status.Code(err); got != codes.ResourceExhausted {
			t.Fatalf("got %v, want ResourceExhausted", err)
		}
		assertVersion(t, client, ctx, "bad-input-baseline", 1)
	})

	t.Run("script and event handler are removed and reported", func(t *testing.T) {
		it := mod(func(it *pb.ContentItem) {
			it.ContentId = "sanitised-item"
			it.Version = 1
			it.Translations[0].Slug = "sanitised-item"
			it.Translations[0].BodyHtml = `<p onclick="steal()">Chào</p><script>alert(1)</script><p>Hết</p>`
		})
		resp, err := client.Publish(ctx, &pb.PublishRequest{Item: it})
		if err != nil {
			t.Fatal(err)
		}
		var removed []string
		for _, s := range resp.GetSanitized() {
			removed = append(removed, s.GetRemoved()...)
		}
		joined := strings.Join(removed, "; ")
		if !strings.Contains(joined, "script") || !strings.Contains(joined, "onclick") {
			t.Errorf("sanitiser report: got %q, want the script element and the onclick attribute", joined)
		}
		waitPage(t, "/vi/so-a/sanitised-item", 200, func(body string) bool { return strings.Contains(body, "Chào") })
		_, body := get(t, "/vi/so-a/sanitised-item")
		if strings.Contains(body, "alert(1)") || strings.Contains(body, "steal()") {
			t.Errorf("page still carries the script or the handler")
		}
	})
}

func TestTenantCannotActForAnother(t *testing.T) {
	b, bctx := ingestClient(t, fed.SubPortals["phuong-b"].HubToken)
	if _, err := b.Publish(bctx, &pb.PublishRequest{Item: article("thong-bao-b", 1, "Thông báo của phường B")}); err != nil {
		t.Fatal(err)
	}
	// A names B as the tenant it acts for: refused.
	a, actx := ingestClient(t, fed.SubPortals["so-a"].HubToken, "x-portalhub-tenant", "phuong-b")
	_, err := a.Publish(actx, &pb.PublishRequest{Item: article("thong-bao-b", 2, "Sửa trộm")})
	if status.Code(err) != codes.PermissionDenied || reasonOf(err) != contentrules.ReasonTenantMismatch {
		t.Fatalf("got %v, want PermissionDenied with %s", err, contentrules.ReasonTenantMismatch)
	}
	// A's own push with the same content id is A's item, never B's.
	a2, a2ctx := ingestClient(t, fed.SubPortals["so-a"].HubToken)
	if _, err := a2.Publish(a2ctx, &pb.PublishRequest{Item: article("thong-bao-b", 5, "Bài của sở A")}); err != nil {
		t.Fatal(err)
	}
	assertVersion(t, b, bctx, "thong-bao-b", 1)
	_, body := get(t, "/vi/phuong-b/thong-bao-b")
	if !strings.Contains(body, "Thông báo của phường B") || strings.Contains(body, "Sửa trộm") {
		t.Errorf("tenant B's page changed")
	}
}

// assertVersion checks the version the hub holds for the caller's item.
func assertVersion(t *testing.T, c pb.IngestServiceClient, ctx context.Context, id string, want uint64) {
	t.Helper()
	if got := heldVersion(t, c, ctx, id); got != want {
		t.Errorf("hub holds %s at version %d, want %d", id, got, want)
	}
}

// heldVersion is the version the hub holds for the caller's item (0: none).
func heldVersion(t *testing.T, c pb.IngestServiceClient, ctx context.Context, id string) uint64 {
	t.Helper()
	token := ""
	for {
		resp, err := c.ListVersions(ctx, &pb.ListVersionsRequest{PageSize: 1000, PageToken: token})
		if err != nil {
			t.Fatalf("list versions: %v", err)
		}
		for _, it := range resp.GetItems() {
			if it.GetContentId() == id {
				return it.GetVersion()
			}
		}
		if token = resp.GetNextPageToken(); token == "" {
			return 0
		}
	}
}
