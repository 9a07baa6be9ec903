package onboarding

import (
	"errors"
	"net/mail"
	"strings"
	"time"

	"github.com/qyzmet/qyzmet/deadlines"
	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// BodyKind is a participant of the interaction (Rules130 p.2).
type BodyKind uint8

// Participants (Rules130 p.2).
const (
	_                       BodyKind = iota
	KindUCC                          // the Unified Contact Center
	KindInformatization              // the authorized body in the field of informatization
	KindQualityAuthority             // the authority for assessment and control of the quality of state services
	KindCentral                      // a central state body
	KindPublicServiceCenter          // a public service center (ЦОН)
	KindLocalExecutive               // a local executive body (akimat, akim), with its Level
	KindOtherProvider                // another service provider
)

var bodyKindLabels = map[BodyKind]deadlines.Names{
	KindUCC:                 {KK: "Бірыңғай байланыс орталығы", RU: "Единый контакт-центр", EN: "Unified Contact Center"},
	KindInformatization:     {KK: "Ақпараттандыру саласындағы уәкілетті орган", RU: "Уполномоченный орган в сфере информатизации", EN: "Authorized body for informatization"},
	KindQualityAuthority:    {KK: "Мемлекеттік қызметтер көрсету сапасын бағалау және бақылау жөніндегі уәкілетті орган", RU: "Уполномоченный орган по оценке и контролю за качеством оказания государственных услуг", EN: "Quality authority"},
	KindCentral:             {KK: "Орталық мемлекеттік орган", RU: "Центральный государственный орган", EN: "Central state body"},
	KindPublicServiceCenter: {KK: "Халыққа қызмет көрсету орталығы", RU: "Центр обслуживания населения", EN: "Public service center"},
	KindLocalExecutive:      {KK: "Жергілікті атқарушы орган", RU: "Местный исполнительный орган", EN: "Local executive body"},
	KindOtherProvider:       {KK: "Көрсетілетін қызметті беруші", RU: "Иной услугодатель", EN: "Other service provider"},
}

// Label returns the kind's name in kk, ru and en.
func (k BodyKind) Label() deadlines.Names { return bodyKindLabels[k] }

func (k BodyKind) String() string { return english(bodyKindLabels, k, "BodyKind") }

// Provider reports whether a body of this kind delivers state services and
// so can be asked to onboard them.
func (k BodyKind) Provider() bool {
	return k == KindCentral || k == KindLocalExecutive || k == KindOtherProvider || k == KindPublicServiceCenter
}

// LocalLevel is the level of a local executive body (Rules130 p.2, item 6).
type LocalLevel uint8

// Levels of local executive bodies.
const (
	_                   LocalLevel = iota
	LevelRegion                    // akimat of a region (облыс)
	LevelRepublicanCity            // akimat of a city of republican significance
	LevelCapital                   // akimat of the capital
	LevelDistrict                  // akimat of a district (аудан)
	LevelRegionalCity              // akimat of a city of regional significance
	LevelCityDistrict              // akim of a district in a city
	LevelTownVillage               // akim of a town, village or rural district
)

var levelLabels = map[LocalLevel]deadlines.Names{
	LevelRegion:         {KK: "облыс әкімдігі", RU: "акимат области", EN: "regional akimat"},
	LevelRepublicanCity: {KK: "республикалық маңызы бар қала әкімдігі", RU: "акимат города республиканского значения", EN: "akimat of a city of republican significance"},
	LevelCapital:        {KK: "астана әкімдігі", RU: "акимат столицы", EN: "akimat of the capital"},
	LevelDistrict:       {KK: "аудан әкімдігі", RU: "акимат района", EN: "district akimat"},
	LevelRegionalCity:   {KK: "облыстық маңызы бар қала әкімдігі", RU: "акимат города областного значения", EN: "akimat of a city of regional significance"},
	LevelCityDistrict:   {KK: "қаладағы аудан әкімі", RU: "аким района в городе", EN: "akim of a city district"},
	LevelTownVillage:    {KK: "кент, ауыл, ауылдық округ әкімі", RU: "аким поселка, села, сельского округа", EN: "akim of a town, village or rural district"},
}

// Label returns the level's name in kk, ru and en.
func (l LocalLevel) Label() deadlines.Names { return levelLabels[l] }

// Body is a participant: the UCC, an authority or a service provider.
type Body struct {
	ID     string          `json:"id"`
	Kind   BodyKind        `json:"kind"`
	Level  LocalLevel      `json:"level,omitempty"` // local executive bodies only
	BIN    string          `json:"bin"`
	Name   deadlines.Names `json:"name"`
	Region string          `json:"region"`
	Zone   string          `json:"zone"` // IANA time zone; its civil dates count the body's terms
}

// Location loads the body's zone.
func (b Body) Location() (*time.Location, error) { return time.LoadLocation(b.Zone) }

// Validate reports every problem with b at once.
func (b Body) Validate() error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(rule(2), field, msg)) }
	if strings.TrimSpace(b.ID) == "" || strings.ContainsAny(b.ID, "/ \t\n") {
		bad("id", "required, without slashes or spaces")
	}
	if _, ok := bodyKindLabels[b.Kind]; !ok {
		bad("kind", "unknown participant kind")
	}
	switch _, ok := levelLabels[b.Level]; {
	case b.Kind == KindLocalExecutive && !ok:
		bad("level", "a local executive body needs its level")
	case b.Kind != KindLocalExecutive && b.Level != 0:
		bad("level", "only local executive bodies have a level")
	}
	if err := kzid.ValidateBIN(b.BIN); err != nil {
		errs = append(errs, &deadlines.RuleError{Rule: rule(2), Field: "bin", Err: err})
	}
	if b.Name.KK == "" || b.Name.RU == "" {
		bad("name", "the Kazakh and Russian names are required")
	}
	if strings.TrimSpace(b.Region) == "" {
		bad("region", "required")
	}
	if _, err := b.Location(); b.Zone == "" || err != nil {
		bad("zone", "an IANA time zone such as Asia/Almaty is required")
	}
	return errors.Join(errs...)
}

// Requisites identify a normative act: its number, date and title.
type Requisites struct {
	Number string              `json:"number"`
	Date   deadlines.CivilDate `json:"date"`
	Title  string              `json:"title,omitempty"`
}

func (r Requisites) String() string {
	if r.Number == "" {
		return ""
	}
	return "No. " + r.Number + " of " + r.Date.String()
}

// StateService is an entry of the Register of State Services with the
// requisites Appendix 1 asks for.
type StateService struct {
	ID               string          `json:"id"`
	RegisterNumber   string          `json:"register_number"`
	Name             deadlines.Names `json:"name"`
	Standard         Requisites      `json:"standard"`
	Regulation       Requisites      `json:"regulation"`
	ActChanges       []string        `json:"act_changes,omitempty"`
	InternetResource string          `json:"internet_resource,omitempty"`
	Providers        []string        `json:"providers"` // body IDs
}

// Validate reports every problem with s at once.
func (s StateService) Validate() error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(rule(3), field, msg)) }
	if strings.TrimSpace(s.ID) == "" {
		bad("id", "required")
	}
	if strings.TrimSpace(s.RegisterNumber) == "" {
		bad("register_number", "a service is onboarded only once it is in the Register of State Services")
	}
	if s.Name.KK == "" || s.Name.RU == "" {
		bad("name", "the Kazakh and Russian names are required")
	}
	if len(s.Providers) == 0 {
		bad("providers", "at least one provider body")
	}
	return errors.Join(errs...)
}

// Person is a responsible person (жауапты тұлға) with contacts.
type Person struct {
	FullName string `json:"full_name"`
	Position string `json:"position"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

// validate reports every problem with p, prefixing fields with prefix.
func (p Person) validate(r deadlines.Citation, prefix string) []error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, deadlines.Invalid(r, prefix+field, msg)) }
	if strings.TrimSpace(p.FullName) == "" {
		bad("full_name", "required")
	}
	if strings.TrimSpace(p.Position) == "" {
		bad("position", "required")
	}
	digits := 0
	for _, c := range p.Phone {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune(" +-()", c):
		default:
			digits = -100
		}
	}
	if digits < 10 || digits > 15 {
		bad("phone", "a phone number of 10–15 digits")
	}
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
		bad("email", "a plain e-mail address such as name@gov.kz")
	}
	return errs
}
