package push_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/push"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// categoryHub answers ListCategories with its list, or with UNAVAILABLE
// while down.
type categoryHub struct {
	pb.UnimplementedIngestServiceServer
	mu   sync.Mutex
	down bool
	list []*pb.Category
}

func (h *categoryHub) ListCategories(context.Context, *pb.ListCategoriesRequest) (*pb.ListCategoriesResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return nil, status.Error(codes.Unavailable, "hub is down")
	}
	return &pb.ListCategoriesResponse{Categories: h.list}, nil
}

func (h *categoryHub) set(down bool, list []*pb.Category) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down, h.list = down, list
}

func TestKeepCategories(t *testing.T) {
	st, _ := storetest.New(t)
	ctx := context.Background()
	kept := func() []string {
		list, err := st.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, c := range list {
			codes = append(codes, c.GetCode())
		}
		return codes
	}
	before := kept() // the list storetest seeds

	legal := &pb.Category{Code: "legal", Names: map[string]string{"vi": "Văn bản", "en": "Legal"},
		Kinds: []pb.ContentKind{pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT}}
	news := &pb.Category{Code: "news", Names: map[string]string{"vi": "Tin tức"}, Kinds: []pb.ContentKind{pb.ContentKind_CONTENT_KIND_ARTICLE}}
	h := &categoryHub{down: true}
	srv := grpc.NewServer()
	pb.RegisterIngestServiceServer(srv, h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	conn, err := push.Dial(push.DialConfig{Addr: ln.Addr().String(), Token: "secret-token", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	hub := pb.NewIngestServiceClient(conn)

	// While the hub is down, the kept list stays.
	if _, err := push.SyncCategories(ctx, hub, st); err == nil {
		t.Fatal("SyncCategories with the hub down: want an error")
	}
	if got := kept(); len(got) != len(before) {
		t.Fatalf("kept after a failed sync: %v, want %v", got, before)
	}
	// An empty answer is no list either.
	h.set(false, nil)
	if _, err := push.SyncCategories(ctx, hub, st); err == nil {
		t.Fatal("SyncCategories of an empty list: want an error")
	}

	// The loop retries until the hub answers, then keeps its list in order.
	h.set(true, nil)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		push.KeepCategories(runCtx, hub, st, zerolog.New(zerolog.NewTestWriter(t)), time.Hour,
			pgwake.Backoff{Base: 10 * time.Millisecond, Cap: 50 * time.Millisecond})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	h.set(false, []*pb.Category{news, legal})
	testenv.WaitFor(t, 10*time.Second, func() error {
		if got := kept(); len(got) != 2 || got[0] != "news" || got[1] != "legal" {
			return fmt.Errorf("kept %v", got)
		}
		return nil
	})
	list, _ := st.Categories(ctx)
	if list[1].GetNames()["en"] != "Legal" || len(list[1].GetKinds()) != 1 || list[1].GetKinds()[0] != pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT {
		t.Errorf("kept legal = %v", list[1])
	}
}
