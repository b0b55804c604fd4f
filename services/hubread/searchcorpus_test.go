package hubread_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/search"
)

// The search corpus of the relevance and bad-input tests: the demo content
// (tenants/demo, pushed through the hub store's own write path, as make run
// does), generated items that exercise one feature each, and filler made
// of the vnenc corpus's sentences so that ranking has competition.

const demoDir = "../../tenants/demo"

// searchCorpus is a hub store holding the corpus, and a reader on it.
type searchCorpus struct {
	admin  *pgxpool.Pool
	hub    *hubstore.Store
	read   *hubread.Store
	syn    *search.Synonyms
	fixed  time.Time
	tenant map[string]bool
}

func newSearchCorpus(t *testing.T) *searchCorpus {
	t.Helper()
	admin, read := setup(t)
	ctx := context.Background()
	hub, err := hubstore.Open(ctx, admin.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	c := &searchCorpus{admin: admin, hub: hub, read: read, fixed: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC), tenant: map[string]bool{}}
	c.loadDemo(t)
	c.loadGenerated(t)
	c.loadFiller(t, 300)
	if c.syn, err = read.Synonyms(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *searchCorpus) addTenant(t *testing.T, id, kind, name string) {
	t.Helper()
	if c.tenant[id] {
		return
	}
	if err := c.hub.AddTenant(context.Background(), "test", hubstore.Tenant{ID: id, Kind: kind, NameVI: name}); err != nil {
		t.Fatalf("AddTenant(%s): %v", id, err)
	}
	c.tenant[id] = true
}

func (c *searchCorpus) push(t *testing.T, tenant string, it *pb.ContentItem) {
	t.Helper()
	if it.Version == 0 {
		it.Version = 1
	}
	if it.Approver == nil {
		it.Approver = &pb.Person{Name: "Trần Văn Duyệt"}
	}
	if it.State == pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED {
		it.State = pb.PublicationState_PUBLICATION_STATE_PUBLISHED
	}
	p, err := contentrules.Prepare(it, nil)
	if err != nil {
		t.Fatalf("prepare %s/%s: %v", tenant, it.GetContentId(), err)
	}
	if _, err := c.hub.Apply(context.Background(), tenant, p); err != nil {
		t.Fatalf("apply %s/%s: %v", tenant, it.GetContentId(), err)
	}
}

func (c *searchCorpus) loadDemo(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(demoDir, "tenants.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tenants []struct {
		ID, Kind string
		NameVI   string `json:"name_vi"`
	}
	if err := json.Unmarshal(b, &tenants); err != nil {
		t.Fatal(err)
	}
	for _, tn := range tenants {
		c.addTenant(t, tn.ID, tn.Kind, tn.NameVI)
		c.uploadDemoFiles(t, tn.ID)
		files, _ := filepath.Glob(filepath.Join(demoDir, tn.ID, "*.json"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			it := &pb.ContentItem{}
			if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, it); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			c.push(t, tn.ID, it)
		}
	}
}

// uploadDemoFiles stores the files a tenant's demo items attach (its
// files/ folder), as its sub-portal uploads them before it pushes.
func (c *searchCorpus) uploadDemoFiles(t *testing.T, tenant string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(demoDir, tenant, "files", "*"))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		mt, err := contentrules.DetectFile(filepath.Base(name), data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := c.hub.PutBlob(context.Background(), tenant, sha256.Sum256(data), mt, data); err != nil {
			t.Fatalf("upload %s: %v", name, err)
		}
	}
}

// gen is a generated item: title and body in Vietnamese, optionally other
// translations and a legal number.
type gen struct {
	id, title, summary, body string
	en, ru                   [2]string // title, body
	number                   string
	at                       time.Time
}

func (c *searchCorpus) pushGen(t *testing.T, tenant string, g gen) {
	t.Helper()
	at := g.at
	if at.IsZero() {
		at = c.fixed
	}
	it := &pb.ContentItem{ContentId: g.id, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		PublishedAt:  timestamppb.New(at),
		Translations: []*pb.Translation{{Locale: "vi", Title: g.title, Summary: g.summary, BodyHtml: "<p>" + g.body + "</p>", Slug: g.id}}}
	if g.en[0] != "" {
		it.Translations = append(it.Translations, &pb.Translation{Locale: "en", Title: g.en[0], BodyHtml: "<p>" + g.en[1] + "</p>", Slug: g.id + "-en"})
	}
	if g.ru[0] != "" {
		it.Translations = append(it.Translations, &pb.Translation{Locale: "ru", Title: g.ru[0], BodyHtml: "<p>" + g.ru[1] + "</p>", Slug: g.id + "-ru"})
	}
	if g.number != "" {
		it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
		it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: g.number, DocumentType: "Quyết định",
			Issuer: "Ủy ban nhân dân tỉnh Khánh Hòa", IssuedOn: "2024-05-10"}}
	}
	c.push(t, tenant, it)
}

// generated are items that each exercise one feature of matching.
var generated = []gen{
	{id: "phuong-hoa-binh", title: "Phường Hòa Bình tổ chức ngày hội đoàn kết", body: "Người dân phường Hòa Bình tham gia ngày hội."},
	{id: "hoa-chat-phong-thi-nghiem", title: "Quản lý hóa chất trong phòng thí nghiệm trường học", body: "Hướng dẫn bảo quản hóa chất an toàn."},
	{id: "cntt-lien-tiep", title: "Ứng dụng công nghệ thông tin trong chuyển đổi số các cơ quan nhà nước",
		body: "Tỉnh đẩy mạnh ứng dụng công nghệ thông tin trong cải cách hành chính, bảo đảm hạ tầng số vận hành ổn định."},
	{id: "cntt-roi-rac", title: "Thông tin tuyển dụng: công ty cần kỹ sư nghệ thuật",
		body: "Đầu tư công trình giao thông. Nghệ nhân làng nghề được vinh danh. Thông báo lịch nghỉ lễ. Tin vắn trong tuần."},
	{id: "qd-15-2024-quan-ly-cho", title: "Quyết định ban hành Quy định quản lý chợ trên địa bàn tỉnh", number: "15/2024/QĐ-UBND",
		body: "Quy định về quản lý, khai thác chợ; trách nhiệm của ban quản lý chợ và tiểu thương."},
	{id: "qd-15-2023-phi-ve-sinh", title: "Quyết định quy định mức thu phí vệ sinh", number: "15/2023/QĐ-UBND",
		body: "Mức thu phí vệ sinh đối với hộ gia đình, cơ sở kinh doanh."},
	{id: "qd-25-2024-bang-gia-dat", title: "Quyết định ban hành bảng giá đất giai đoạn 2024–2029", number: "25/2024/QĐ-UBND",
		body: "Bảng giá đất áp dụng từ ngày 1 tháng 6 năm 2024, thay thế Quyết định số 15/2019/QĐ-UBND."},
	{id: "cong-dich-vu-cong", title: "Cổng dịch vụ công của tỉnh được nâng cấp",
		body: "Người dân nộp hồ sơ trực tuyến tại cổng dịch vụ công.",
		en:   [2]string{"Provincial public service portal upgraded", "Citizens can submit applications online through the public service portal."},
		ru:   [2]string{"Порталы государственных услуг провинции обновлены", "Жители подают заявления через порталы государственных услуг."}},
	{id: "ho-thuy-tien", title: "Cải tạo công viên hồ Thủy Tiên", body: "Công viên hồ Thủy Tiên được trồng thêm cây xanh."},
	{id: "bao-cao-quy-iii", title: "Báo cáo kinh tế - xã hội quý III năm 2026", body: "Tăng trưởng kinh tế quý III đạt khá."},
	{id: "cccd-luu-dong", title: "Lịch làm CCCD lưu động tại các xã vùng cao", body: "Công an tỉnh tổ chức làm CCCD cho người cao tuổi."},
	{id: "can-cuoc-tre-em", title: "Cấp căn cước công dân cho trẻ em dưới 14 tuổi", body: "Cha mẹ đưa trẻ đến làm thủ tục cấp căn cước công dân."},
	{id: "tthc-mot-cua", title: "Giải quyết TTHC tại bộ phận một cửa", body: "Bộ phận một cửa tiếp nhận hồ sơ TTHC của người dân và doanh nghiệp."},
	{id: "le-hoi-yen-sao", title: "Lễ hội Yến sào Khánh Hòa", body: "Lễ hội tôn vinh nghề khai thác yến sào truyền thống của tỉnh.",
		en: [2]string{"Khánh Hòa Bird's Nest Festival", "The festival honours the traditional bird's nest harvesting craft."}},
	{id: "du-lich-nha-trang-mua-thap-diem", title: "Du lịch Nha Trang kích cầu mùa thấp điểm", body: "Các doanh nghiệp du lịch Nha Trang giảm giá phòng, vé tham quan."},
	{id: "tin-cu-nha-trang", title: "Du lịch Nha Trang năm 2019", body: "Lượng khách du lịch Nha Trang năm 2019 tăng.", at: time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)},
}

func (c *searchCorpus) loadGenerated(t *testing.T) {
	t.Helper()
	c.addTenant(t, "so-tai-chinh", "department", "Sở Tài chính")
	for _, g := range generated {
		c.pushGen(t, "so-tai-chinh", g)
	}
}

// loadFiller pushes n items built of the vnenc corpus's sentences, with
// fixed randomness, over three tenants.
func (c *searchCorpus) loadFiller(t *testing.T, n int) {
	t.Helper()
	f, err := os.Open("../vnenc/testdata/sentences.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sentences []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			sentences = append(sentences, line)
		}
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i, id := range []string{"xa-filler-a", "xa-filler-b", "xa-filler-c"} {
		c.addTenant(t, id, "commune", fmt.Sprintf("Xã Thử Nghiệm %c", 'A'+i))
	}
	for i := 0; i < n; i++ {
		var body []string
		for j := 0; j < 5+rnd.IntN(15); j++ {
			body = append(body, sentences[rnd.IntN(len(sentences))])
		}
		title := strings.TrimRight(sentences[rnd.IntN(len(sentences))], ".!?")
		c.pushGen(t, fmt.Sprintf("xa-filler-%c", 'a'+i%3), gen{id: fmt.Sprintf("filler-%03d", i), title: title,
			body: strings.Join(body, " "), at: c.fixed.Add(-time.Duration(rnd.IntN(900*24)) * time.Hour)})
	}
}

// search runs a query on the corpus.
func (c *searchCorpus) search(t *testing.T, raw string, p hubread.SearchParams) *hubread.SearchResult {
	t.Helper()
	q, err := search.Parse(raw, c.syn)
	if err != nil {
		t.Fatalf("Parse(%q): %v", raw, err)
	}
	p.Query = q
	if p.PageLocale == "" {
		p.PageLocale = "vi"
	}
	res, err := c.read.Search(context.Background(), p)
	if err != nil {
		t.Fatalf("Search(%q): %v", raw, err)
	}
	return res
}

func hitIDs(hits []hubread.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Tenant + "/" + h.ContentID
	}
	return out
}
