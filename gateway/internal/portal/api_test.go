package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/portalhub/portalhub/gateway/internal/api"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

var (
	openapiOnce   sync.Once
	openapiRouter routers.Router
	openapiErr    error
)

// openAPI loads and validates the API's document once.
func openAPI(t *testing.T) routers.Router {
	t.Helper()
	openapiOnce.Do(func() {
		b, err := api.Document()
		if err != nil {
			openapiErr = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(b)
		if err != nil {
			openapiErr = fmt.Errorf("load: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			openapiErr = fmt.Errorf("the document is not valid OpenAPI: %w", err)
			return
		}
		openapiRouter, openapiErr = gorillamux.NewRouter(doc)
	})
	if openapiErr != nil {
		t.Fatal(openapiErr)
	}
	return openapiRouter
}

// apiGet fetches an API path and checks the answer against the OpenAPI
// document: its status must be documented for the operation, and its
// headers and body must match the schema.
func (e *env) apiGet(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	res, body := e.do(t, http.MethodGet, path, header...)
	checkAPI(t, res, body)
	return res, body
}

func checkAPI(t *testing.T, res *http.Response, body []byte) {
	t.Helper()
	req := res.Request.Clone(context.Background())
	req.URL.Host, req.URL.Scheme, req.Host = "", "", "" // the document's paths have no server
	route, params, err := openAPI(t).FindRoute(req)
	if err != nil {
		t.Errorf("%s: no operation in the document: %v", res.Request.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("GET %s: %d does not match the document: %v\n%s", res.Request.URL.RequestURI(), res.StatusCode, err, body)
	}
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return m
}

// ids lists the ids of a list's items.
func listIDs(t *testing.T, body []byte, key string) []string {
	t.Helper()
	var out []string
	for _, it := range decode(t, body)[key].([]any) {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

// fill sets every field of m (and of the messages it holds) to a value
// plausible for its name, so that a field the document does not describe
// shows up.
func fill(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		name := string(fd.Name())
		var v protoreflect.Value
		switch fd.Kind() {
		case protoreflect.StringKind:
			switch {
			case strings.HasSuffix(name, "_on"):
				v = protoreflect.ValueOfString("2025-07-01")
			case strings.HasSuffix(name, "sha256"):
				v = protoreflect.ValueOfString(strings.Repeat("ab", 32))
			case name == "url" || name == "website":
				v = protoreflect.ValueOfString("https://dichvucong.gov.vn/p/home")
			case name == "type":
				v = protoreflect.ValueOfString("bar")
			default:
				v = protoreflect.ValueOfString("giá trị " + name)
			}
		case protoreflect.Int32Kind, protoreflect.Int64Kind:
			if fd.Kind() == protoreflect.Int32Kind {
				v = protoreflect.ValueOfInt32(2)
			} else {
				v = protoreflect.ValueOfInt64(2)
			}
		case protoreflect.EnumKind:
			v = protoreflect.ValueOfEnum(1)
		case protoreflect.BoolKind:
			v = protoreflect.ValueOfBool(true)
		case protoreflect.MessageKind:
			if fd.IsList() {
				el := m.NewField(fd)
				sub := el.List().NewElement()
				fill(sub.Message())
				el.List().Append(sub)
				m.Set(fd, el)
				continue
			}
			sub := m.NewField(fd)
			fill(sub.Message())
			m.Set(fd, sub)
			continue
		default:
			continue
		}
		if fd.IsList() {
			l := m.NewField(fd).List()
			l.Append(v)
			m.Set(fd, protoreflect.ValueOfList(l))
			continue
		}
		m.Set(fd, v)
	}
}

// seedAPI adds a public service and a dataset whose details have every
// field set.
func seedAPI(t *testing.T, e *env) {
	svc := article("thu-tuc-1", 1, t0.Add(6*time.Hour), tr("vi", "cap-phep", "Cấp giấy phép", "", ""))
	svc.Kind, svc.Category = pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, "public-services"
	ps := &pb.PublicService{}
	fill(ps.ProtoReflect())
	svc.Details = &pb.ContentItem_PublicService{PublicService: ps}
	e.put(t, "sotttt", svc)

	data := article("du-lieu-1", 1, t0.Add(7*time.Hour), tr("vi", "du-lieu", "Dữ liệu khách du lịch", "", ""))
	data.Kind, data.Category = pb.ContentKind_CONTENT_KIND_DATASET, "statistics"
	ds := &pb.Dataset{}
	fill(ds.ProtoReflect())
	ds.Temporal = "2026-01/2026-10"
	data.Details = &pb.ContentItem_Dataset{Dataset: ds}
	data.Attachments = []*pb.Attachment{{Sha256: strings.Repeat("cd", 32), Filename: "ghi-chu.pdf", MediaType: "application/pdf"},
		{Sha256: ds.GetDataSha256(), Filename: "khach-du-lich.csv", MediaType: "text/csv; charset=utf-8"}}
	e.put(t, "nhatrang", data)

	law := article("qd-16", 1, t0.Add(8*time.Hour), tr("vi", "quyet-dinh-16", "Quyết định 16", "", ""))
	law.Kind, law.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	ld := &pb.LegalDocument{}
	fill(ld.ProtoReflect())
	law.Details = &pb.ContentItem_LegalDocument{LegalDocument: ld}
	e.put(t, "sotttt", law)
}

func TestAPI(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	seedAPI(t, e)

	t.Run("index and document", func(t *testing.T) {
		_, body := e.apiGet(t, "/api/v1/")
		if got := decode(t, body)["resources"].(map[string]any)["items"]; got != e.srv.URL+"/api/v1/items" {
			t.Errorf("index items = %v", got)
		}
		res, body := e.apiGet(t, "/api/v1/openapi.json")
		if res.StatusCode != 200 || decode(t, body)["openapi"] != "3.1.0" {
			t.Errorf("openapi.json: %d", res.StatusCode)
		}
	})

	t.Run("tenants", func(t *testing.T) {
		_, body := e.apiGet(t, "/api/v1/tenants")
		if got := listIDs(t, body, "tenants"); fmt.Sprint(got) != "[nhatrang sotttt]" {
			t.Errorf("tenants = %v", got)
		}
		res, body := e.apiGet(t, "/api/v1/tenants?limit=1")
		next := decode(t, body)["links"].(map[string]any)["next"].(string)
		if !strings.Contains(res.Header.Get("Link"), `rel="next"`) {
			t.Errorf("Link = %q", res.Header.Get("Link"))
		}
		u, _ := url.Parse(next)
		_, body = e.apiGet(t, u.RequestURI())
		if got := listIDs(t, body, "tenants"); fmt.Sprint(got) != "[sotttt]" {
			t.Errorf("second page = %v", got)
		}
		_, body = e.apiGet(t, "/api/v1/tenants/sotttt")
		m := decode(t, body)
		if m["names"].(map[string]any)["en"] != "Department of Information and Communications" ||
			m["home"].(map[string]any)["ru"] != e.srv.URL+"/ru/sotttt/" {
			t.Errorf("tenant = %v", m)
		}
		res, _ = e.apiGet(t, "/api/v1/tenants/khong")
		wantStatus(t, res, http.StatusNotFound)
	})

	t.Run("items", func(t *testing.T) {
		_, body := e.apiGet(t, "/api/v1/items?limit=100")
		got := listIDs(t, body, "items")
		for _, want := range []string{"sotttt/le-hoi", "sotttt/thong-bao-cu", "sotttt/bai-xoa", "sotttt/bai-chuyen", "nhatrang/tin-phuong"} {
			if !contains(got, want) {
				t.Errorf("items lack %s: %v", want, got)
			}
		}
		if contains(got, "nhatrang/vi-pham") {
			t.Error("a taken-down item is listed")
		}
		for path, want := range map[string]string{
			"/api/v1/items?tenant=nhatrang":                    "[nhatrang/du-lieu-1 nhatrang/tin-phuong]",
			"/api/v1/items?kind=legal_document":                "[sotttt/qd-15 sotttt/qd-16]",
			"/api/v1/items?category=legal&tenant=sotttt":       "[sotttt/qd-15 sotttt/qd-16]",
			"/api/v1/items?lang=ru":                            "[nhatrang/tin-phuong]",
			"/api/v1/legal-documents":                          "[sotttt/qd-15 sotttt/qd-16]",
			"/api/v1/public-services":                          "[sotttt/thu-tuc-1]",
			"/api/v1/datasets?lang=vi":                         "[nhatrang/du-lieu-1]",
			"/api/v1/items?updated_since=2999-01-01T00:00:00Z": "[]",
		} {
			_, body := e.apiGet(t, path)
			got := listIDs(t, body, "items")
			// Every fixture is stored at about the same time: compare as sets.
			if fmt.Sprint(sorted(got)) != want {
				t.Errorf("%s = %v, want %s", path, got, want)
			}
		}

		_, body = e.apiGet(t, "/api/v1/items/sotttt/le-hoi")
		m := decode(t, body)
		trs := m["translations"].(map[string]any)
		if m["state"] != "published" || m["kind"] != "article" || trs["en"].(map[string]any)["url"] != e.srv.URL+"/en/sotttt/sea-festival" ||
			trs["vi"].(map[string]any)["body_html"] != "<p>Nội dung <strong>đậm</strong></p>" {
			t.Errorf("item = %v", m)
		}
		if a := m["attachments"].([]any)[0].(map[string]any); !strings.HasPrefix(a["url"].(string), e.srv.URL+"/files/sotttt/le-hoi/") {
			t.Errorf("attachment = %v", a)
		}
		_, body = e.apiGet(t, "/api/v1/items/sotttt/thong-bao-cu")
		if m := decode(t, body); m["state"] != "withdrawn" || m["withdrawn_reason"] != "Đã có thông báo thay thế." {
			t.Errorf("withdrawn = %v", m)
		}
		_, body = e.apiGet(t, "/api/v1/items/sotttt/bai-chuyen")
		if m := decode(t, body); m["state"] != "redirected" || m["translations"] != nil ||
			m["successor"].(map[string]any)["self"] != e.srv.URL+"/api/v1/items/nhatrang/tin-phuong" {
			t.Errorf("redirected = %v", m)
		}
		_, body = e.apiGet(t, "/api/v1/items/sotttt/bai-xoa")
		if m := decode(t, body); m["state"] != "gone" || m["translations"] != nil {
			t.Errorf("gone = %v", m)
		}
		_, body = e.apiGet(t, "/api/v1/items/sotttt/qd-15")
		if d := decode(t, body)["details"].(map[string]any); d["number"] != "15/2025/QĐ-UBND" || d["validity"] != nil {
			t.Errorf("legal details = %v: want the number, not the pushed validity", d)
		}
		for _, p := range []string{"/api/v1/items/nhatrang/vi-pham", "/api/v1/items/sotttt/khong", "/api/v1/items/KHONG/x"} {
			res, _ := e.apiGet(t, p)
			wantStatus(t, res, http.StatusNotFound)
		}
	})

	t.Run("paging", func(t *testing.T) {
		var seen []string
		path := "/api/v1/items?limit=3&tenant=sotttt"
		var last map[string]any
		for path != "" {
			_, body := e.apiGet(t, path)
			seen = append(seen, listIDs(t, body, "items")...)
			last = decode(t, body)
			path = ""
			if next, ok := last["links"].(map[string]any)["next"].(string); ok {
				u, _ := url.Parse(next)
				path = u.RequestURI()
			}
		}
		_, all := e.apiGet(t, "/api/v1/items?limit=100&tenant=sotttt")
		if fmt.Sprint(seen) != fmt.Sprint(listIDs(t, all, "items")) || len(seen) < 7 {
			t.Errorf("paged %v, want %v", seen, listIDs(t, all, "items"))
		}
		prev, _ := url.Parse(last["links"].(map[string]any)["prev"].(string))
		if q := prev.Query(); q.Get("tenant") != "sotttt" || q.Get("limit") != "3" || q.Get("cursor") == "" {
			t.Errorf("prev link %s lost the query", prev)
		}
		_, body := e.apiGet(t, prev.RequestURI())
		if got := listIDs(t, body, "items"); len(got) != 3 {
			t.Errorf("previous page = %v", got)
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		for path, params := range map[string]string{
			"/api/v1/items?kind=tin-tuc":                     "kind",
			"/api/v1/items?lang=de":                          "lang",
			"/api/v1/items?updated_since=hom-qua":            "updated_since",
			"/api/v1/items?limit=0":                          "limit",
			"/api/v1/items?limit=1000":                       "limit",
			"/api/v1/items?limit=abc":                        "limit",
			"/api/v1/items?cursor=garbage":                   "cursor",
			"/api/v1/items?cursor=WyJhIiwieCIsInkiLCJ6Il0":   "cursor", // a cursor whose time does not parse
			"/api/v1/items?category=khong-co":                "category",
			"/api/v1/items?tenant=Bad%00":                    "tenant",
			"/api/v1/items?tenant=khong-co":                  "tenant",
			"/api/v1/items?page=2":                           "page",
			"/api/v1/items?kind=article&kind=page":           "kind",
			"/api/v1/items?lang=de&limit=0&updated-since=x":  "lang limit updated-since",
			"/api/v1/legal-documents?kind=article":           "kind",
			"/api/v1/tenants?cursor=WyJhIiwieCIsInkiLCJ6Il0": "cursor",
			"/api/v1/tenants/sotttt?x=1":                     "x",
			"/api/v1/items/sotttt/le-hoi?lang=vi":            "lang",
		} {
			res, body := e.apiGet(t, path)
			if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s, want 400 problem+json", path, res.StatusCode, res.Header.Get("Content-Type"))
				continue
			}
			var names []string
			for _, p := range decode(t, body)["invalid_params"].([]any) {
				names = append(names, p.(map[string]any)["name"].(string))
			}
			if strings.Join(names, " ") != params {
				t.Errorf("%s: invalid_params %v, want %s", path, names, params)
			}
		}
	})

	t.Run("conditional GET", func(t *testing.T) {
		for _, p := range []string{"/api/v1/items?tenant=sotttt", "/api/v1/items/sotttt/le-hoi", "/api/v1/tenants", "/api/v1/openapi.json"} {
			res, _ := e.apiGet(t, p)
			etag := res.Header.Get("ETag")
			if etag == "" || res.Header.Get("Cache-Control") != "public, max-age=0, must-revalidate" {
				t.Errorf("%s: ETag %q, Cache-Control %q", p, etag, res.Header.Get("Cache-Control"))
			}
			res, body := e.apiGet(t, p, "If-None-Match", etag)
			if res.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("%s If-None-Match: %d with %d bytes", p, res.StatusCode, len(body))
			}
			res, body = e.do(t, http.MethodHead, p)
			if res.StatusCode != 200 || len(body) != 0 || res.Header.Get("ETag") != etag {
				t.Errorf("%s HEAD: %d with %d bytes, ETag %q", p, res.StatusCode, len(body), res.Header.Get("ETag"))
			}
		}
	})

	t.Run("CORS", func(t *testing.T) {
		res, _ := e.apiGet(t, "/api/v1/items", "Origin", "https://example.org")
		if res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Access-Control-Allow-Credentials") != "" ||
			!strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "ETag") {
			t.Errorf("GET: Allow-Origin %q, Allow-Credentials %q, Expose %q", res.Header.Get("Access-Control-Allow-Origin"),
				res.Header.Get("Access-Control-Allow-Credentials"), res.Header.Get("Access-Control-Expose-Headers"))
		}
		res, _ = e.apiGet(t, "/api/v1/items?lang=de", "Origin", "https://example.org")
		if res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("a 400 is not readable cross-origin")
		}
		res, body := e.do(t, http.MethodOptions, "/api/v1/items/sotttt/le-hoi", "Origin", "https://example.org",
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match")
		if res.StatusCode != http.StatusNoContent || len(body) != 0 || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "GET") ||
			!strings.Contains(strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), "if-none-match") ||
			res.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
		}
	})

	t.Run("DCAT catalog", func(t *testing.T) {
		res, body := e.apiGet(t, "/api/v1/catalog")
		if res.Header.Get("Content-Type") != "application/ld+json" {
			t.Errorf("Content-Type %q", res.Header.Get("Content-Type"))
		}
		cat := decode(t, body)
		sets := cat["dcat:dataset"].([]any)
		if cat["@type"] != "dcat:Catalog" || len(sets) != 1 {
			t.Fatalf("catalog = %v", cat)
		}
		d := sets[0].(map[string]any)
		dist := d["dcat:distribution"].([]any)
		if d["@id"] != e.srv.URL+"/api/v1/items/nhatrang/du-lieu-1" || d["dct:identifier"] != "nhatrang/du-lieu-1" ||
			dist[0].(map[string]any)["dct:title"] != "khach-du-lich.csv" ||
			dist[0].(map[string]any)["dcat:downloadURL"].(map[string]any)["@id"] != e.srv.URL+"/files/nhatrang/du-lieu-1/"+strings.Repeat("ab", 32) ||
			d["dct:temporal"].(map[string]any)["dcat:startDate"].(map[string]any)["@value"] != "2026-01" ||
			d["dct:publisher"].(map[string]any)["foaf:name"].([]any)[0].(map[string]any)["@value"] != "Phường Nha Trang" {
			t.Errorf("dataset = %v", d)
		}
		_, body = e.apiGet(t, "/api/v1/catalog/nhatrang/du-lieu-1")
		if one := decode(t, body); one["@context"] == nil || one["@type"] != "dcat:Dataset" {
			t.Errorf("one dataset = %v", one)
		}
		res, _ = e.apiGet(t, "/api/v1/catalog/sotttt/le-hoi")
		wantStatus(t, res, http.StatusNotFound)
		res, _ = e.apiGet(t, "/api/v1/catalog?kind=article")
		wantStatus(t, res, http.StatusBadRequest)
	})

	t.Run("unknown path", func(t *testing.T) {
		res, body := e.do(t, http.MethodGet, "/api/v1/khong-co")
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" ||
			decode(t, body)["status"] != float64(404) {
			t.Errorf("%d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	})
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
