package portal_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portalhub/portalhub/services/feedbackrules"
)

type upload struct {
	name string
	data []byte
}

// postFiles posts form and files as multipart/form-data, as a browser
// sends the question form.
func (v *visitor) postFiles(path string, form url.Values, files ...upload) (*http.Response, *goquery.Document) {
	v.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("attachments", f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, v.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return v.do(req)
}

var testPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

// TestFeedbackAttachments: the form takes images and PDF files as a
// multipart post and hands them to the hub; a file of another type, or
// too many, is shown again with the problem in the visitor's language
// (and a word that files must be chosen again), nothing sent to the hub;
// a body over the form's limit is 413.
func TestFeedbackAttachments(t *testing.T) {
	hub := newFakeHub()
	e := feedbackEnv(t, hub, nil)
	v := newVisitor(t, e)
	_, form := v.get("/vi/feedback")
	if attr(form, "form.feedback-form", "enctype") != "multipart/form-data" || form.Find(`label[for="fb-attachments"]`).Length() != 1 ||
		attr(form, "#fb-attachments", "type") != "file" {
		t.Fatal("the form has no file field with its label, or cannot send files")
	}
	res, _ := v.postFiles("/vi/feedback", fillForm(form, goodAnswers()), upload{"don.pdf", testPDF}, upload{`C:\Users\hoa\giay to.pdf`, testPDF})
	wantStatus(t, res, http.StatusOK)
	if hub.count() != 1 {
		t.Fatalf("hub received %d submissions, want 1", hub.count())
	}
	got := hub.received[0].GetAttachments()
	if len(got) != 2 || !bytes.Equal(got[0].GetData(), testPDF) || got[1].GetFilename() != "giay to.pdf" {
		t.Errorf("hub received attachments %v, want both files, the path left out of the name", got)
	}

	_, form = v.get("/en/feedback")
	res, doc := v.postFiles("/en/feedback", fillForm(form, goodAnswers()), upload{"photo.jpg", testPDF})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(doc, "#fb-attachments-error"); !strings.Contains(msg, "Only images") || !strings.Contains(text(doc, "#fb-attachments-hint"), "choose them again") {
		t.Errorf("a PDF named .jpg: %q / %q", msg, text(doc, "#fb-attachments-hint"))
	}
	var four []upload
	for range feedbackrules.MaxFiles + 1 {
		four = append(four, upload{"don.pdf", testPDF})
	}
	res, doc = v.postFiles("/ru/feedback", fillForm(form, goodAnswers()), four...)
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if msg := text(doc, "#fb-attachments-error"); !strings.Contains(msg, "не более 3") {
		t.Errorf("four files: %q", msg)
	}
	if hub.count() != 1 {
		t.Errorf("hub received %d submissions, want still 1", hub.count())
	}
	res, _ = v.postFiles("/vi/feedback", fillForm(form, goodAnswers()), upload{"lon.pdf", bytes.Repeat([]byte("x"), 4<<20)})
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
}
