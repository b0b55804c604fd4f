package backoffice

// issuer is an issuing body (cơ quan ban hành) of the hub's code list,
// which the legal register filters by (LegalDocument.issuer_code).
type issuer struct {
	Code, NameVI, NameEN string
}

// issuers are the hub's code list (its legal_issuers table, hub migration
// 00010), which the editor offers for a legal document's issuer code; the
// hub takes any code of the right shape, and TestIssuersAreTheHubs keeps
// this list equal to the hub's.
var issuers = []issuer{
	{"quoc-hoi", "Quốc hội", "National Assembly"},
	{"ubtv-quoc-hoi", "Ủy ban Thường vụ Quốc hội", "Standing Committee of the National Assembly"},
	{"chu-tich-nuoc", "Chủ tịch nước", "President"},
	{"chinh-phu", "Chính phủ", "Government"},
	{"thu-tuong", "Thủ tướng Chính phủ", "Prime Minister"},
	{"bo-nganh", "Bộ, cơ quan ngang bộ", "Ministries"},
	{"hdnd-tinh", "Hội đồng nhân dân tỉnh", "Provincial People's Council"},
	{"ubnd-tinh", "Ủy ban nhân dân tỉnh", "Provincial People's Committee"},
	{"chu-tich-ubnd-tinh", "Chủ tịch Ủy ban nhân dân tỉnh", "Chairman of the Provincial People's Committee"},
	{"so-ban-nganh", "Sở, ban, ngành tỉnh", "Provincial departments and agencies"},
	{"hdnd-xa", "Hội đồng nhân dân cấp xã", "Commune People's Councils"},
	{"ubnd-xa", "Ủy ban nhân dân cấp xã", "Commune People's Committees"},
}

// Name is the issuer's name in the back office's language.
func (i issuer) Name(lang string) string {
	if lang == "en" {
		return i.NameEN
	}
	return i.NameVI
}
