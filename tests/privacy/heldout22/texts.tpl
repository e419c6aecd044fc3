### h22-001
Temat: Dane nowego pracownika – dział księgowości

Dzień dobry Pani Moniko,

przesyłam dane Pana Tomasza Wieczorka, który zaczyna u nas od 2 grudnia na stanowisku specjalisty ds. rozliczeń (umowa o pracę, 6 850,00 zł brutto):

Imię i nazwisko: Tomasz Wieczorek
PESEL: @@pesel:p001:19870314@@
Data urodzenia: [[DATE_OF_BIRTH|14.03.1987]]
Adres: ul. Kasztanowa 12/4, 31-416 Kraków
Tel. kom.: [[PHONE|@@phone:p001:PL:m:nat@@]]
E-mail prywatny: [[EMAIL|t.wieczorek87@wp.pl]]
Nr rachunku do wypłaty: [[IBAN|@@iban:p001:PL:spaced@@]]

Badania wstępne ma umówione na 28.11 o 9:30 w przychodni przy Lubicz. Proszę o przygotowanie umowy i skierowania na szkolenie BHP.

Pozdrawiam
Karolina Nowak, HR

### h22-002
Temat: FV/2024/11/0387 – prośba o korektę

Dzień dobry,

w fakturze FV/2024/11/0387 z dnia 05.11.2024 (NIP nabywcy: 676-249-18-03, NIP sprzedawcy: 942-107-55-31) podano błędną ilość – zamiast 14 szt. monitorów powinno być 12 szt. Różnica wynosi 2 598,00 zł netto (3 195,54 zł brutto).

Zamówienie nr 512 338 907 z 28.10.2024, dostawa kurierem InPost, nr przesyłki 620399145207364018812345.
Prosimy o wystawienie faktury korygującej do 15.11.2024. Termin płatności pierwotnej faktury (21.11.2024) proszę traktować jako wstrzymany.

Kwota po korekcie: 10 784,46 zł netto / 13 264,89 zł brutto, VAT 23%.
KRS sprzedawcy 0000482217, REGON 362915840, kod pocztowy siedziby 02-672 Warszawa.

Z poważaniem
Dział Zakupów

### h22-003
Zgłoszenie #48213 – brak dostępu do VPN i bazy raportowej

Cześć, od rana nie mogę się połączyć z VPN-em (FortiClient 7.2.4). Zmieniałem w piątek hasło domenowe na [[SECRET|Mazury#2024kajak]] i od tej pory pokazuje „Credential or SSL VPN configuration is wrong (-7200)”. Mój laptop ma teraz adres [[IP_ADDRESS|192.168.1.37]] w domowej sieci, brama VPN to [[IP_ADDRESS|91.207.14.62]].

Przy okazji – skrypt raportowy dalej ma w konfiguracji stare dane, wklejam fragment config.ini:

[db]
url = [[URL_CREDENTIALS|postgresql://raporty:Wrzesien2023!@10.20.4.15:5432/sprzedaz]]
pool_size = 5

Da się to jakoś szybko ogarnąć? Mam raport dla zarządu na 14:00.
Piotr, dział sprzedaży, wew. 214

### h22-004
Zgłoszenie #48227 – VPN po aktualizacji

Po aktualizacji FortiClient do 7.2.4.0972 część osób dostaje błąd -7200 przy logowaniu. Przyczyna: po zmianie hasła domenowego klient trzyma w pamięci stare dane. Rozwiązanie:
1. Zamknąć FortiClient (także z zasobnika systemowego).
2. Usunąć zapisany profil „Firma-SSL” i dodać go ponownie (brama: vpn.firma-intranet.local, port 10443).
3. Zalogować się nowym hasłem – NIE wpisywać hasła w zgłoszeniu ani na czacie.

Pula adresów VPN: 10.212.134.0/24, trasy do 10.20.0.0/16 i 172.16.40.0/22. Jeśli po kroku 3 błąd dalej występuje, proszę podać numer zgłoszenia, nazwę komputera (np. KRK-LT-0417) i wersję Windows (22H2, kompilacja 19045.4529).
Czas realizacji: do 4 godzin roboczych, priorytet P3.

### h22-005
Dzień dobry,

składam reklamację transakcji kartą, której nie wykonywałam. W historii rachunku widnieje obciążenie z 09.11.2024 na kwotę 1 249,99 zł – „ELEKTRO-MAX SP Z O O, Wrocław”. Karta była cały czas przy mnie.

Numer karty: [[CREDIT_CARD|@@card:p005:visa:spaced@@]]
Kontakt: [[PHONE|@@phone:p005:PL:m:intl@@]], e-mail [[EMAIL|ewa.lis@onet.pl]]

Proszę o zablokowanie karty i zwrot środków. Oświadczenie o niewykonaniu transakcji podpiszę w oddziale przy ul. Piotrkowskiej.

Ewa Lis

### h22-006
Dzień dobry,

w nawiązaniu do reklamacji nr RK/2024/11/20931 informujemy, że transakcja z dnia 09.11.2024 na kwotę 1 249,99 zł, wykonana kartą **** **** **** 4821, została uznana warunkowo. Środki w wysokości 1 249,99 zł zostały zaksięgowane na rachunku w dniu 13.11.2024.

Identyfikator terminala: 60217745, kod autoryzacji: 0A47Z2, numer referencyjny transakcji: 74512694318.
Ostateczna decyzja zostanie przekazana w ciągu 30 dni kalendarzowych. Karta została zastrzeżona, nowa karta zostanie wysłana na adres korespondencyjny w ciągu 7 dni roboczych.

Z poważaniem
Zespół Reklamacji

### h22-007
Vážení,

posílám doplnění k pojistné události č. 4180092736 (vytopení koupelny ze dne 3. 10. 2024).

Pojistník: Jana Dvořáková
Rodné číslo: @@rc:p007:19840512:f@@
Datum narození: [[DATE_OF_BIRTH|12. 5. 1984]]
Telefon: [[PHONE|@@phone:p007:CZ:m:intl@@]]
E-mail: [[EMAIL|jana.dvorakova@seznam.cz]]

Pojistné plnění prosím zašlete na účet @@czacct:p007:0800@@, případně pro jistotu uvádím i IBAN: [[IBAN|@@iban:p007:CZ:spaced@@]].

Fotodokumentaci a fakturu od instalatéra (12 480 Kč vč. DPH) přikládám.

S pozdravem
Jana Dvořáková

### h22-008
Faktura – daňový doklad č. 2024110387

Dodavatel: Instalace Beneš s.r.o., Komenského 14, 602 00 Brno, IČO: 27415201, DIČ: CZ27415201
Odběratel: SVJ Purkyňova 31, IČO: 71823405

Oprava rozvodu vody v 2. NP, 3. 10. 2024, práce 6 h × 650 Kč, materiál 4 870 Kč.
Základ daně: 10 850,00 Kč, DPH 15 %: 1 627,50 Kč, celkem k úhradě: 12 477,50 Kč (zaokrouhleno 12 478 Kč).

Platba převodem na účet @@czacct:p008:0100@@
Variabilní symbol: 2024110387, konstantní symbol: 0308
Datum vystavení: 7. 10. 2024, datum splatnosti: 21. 10. 2024, DUZP: 3. 10. 2024

Společnost je zapsána v obchodním rejstříku vedeném Krajským soudem v Brně, oddíl C, vložka 50517.

### h22-009
Ahoj Lukáši,

na čtvrteční schůzku posílám kontakty na lidi z IT u klienta:
- Martin Svoboda, vedoucí infrastruktury – [[PHONE|@@phone:p009:CZ:m:nat@@]], [[EMAIL|martin.svoboda@tiskarny-vysocina.cz]]
- Petra Horáková, správa ERP – kancelář [[PHONE|@@phone:p009b:CZ:f:intl@@]]

Přístup na jejich testovací server je přes RDP na [[IP_ADDRESS|185.64.219.37]], účet konzultant, heslo [[SECRET|Vysocina-Test25]]. Prosím nikam dál to nepřeposílej, heslo po projektu změní.

Díky, Honza

### h22-010
Zápis z porady – projekt ERP, 14. 11. 2024

Přítomni: J. Král, M. Svoboda, P. Horáková, L. Novotný
1. Migrace na verzi 2024.2 (build 24.2.1180) proběhne o víkendu 23.–24. 11., odstávka od 18:00 do 6:00.
2. Testovací server bude dostupný jen z interní sítě 10.40.0.0/16, přístupy vyřizuje helpdesk – hesla se neposílají e-mailem, dostane je každý přes správce hesel.
3. Rozpočet na licence: 184 500 Kč bez DPH, objednávka č. OBJ-2024-0871.
4. Školení uživatelů 2. 12. a 4. 12. od 9:00, zasedačka 3.14.
Další porada: 21. 11. 2024 v 10:00.

### h22-011
Prihláška do materskej školy – školský rok 2025/2026

Meno dieťaťa: Sofia Kováčová
Dátum narodenia: [[DATE_OF_BIRTH|7. 11. 2021]]
Rodné číslo: @@rc:p011:20211107:f@@
Bydlisko: Hlavná 48, 040 01 Košice

Zákonný zástupca: Mgr. Zuzana Kováčová
Mobil: [[PHONE|@@phone:p011:SK:m:nat@@]]
E-mail: [[EMAIL|zuzka.kovacova@centrum.sk]]

Druhý zákonný zástupca: Ing. Marek Kováč, tel. [[PHONE|@@phone:p011b:SK:m:intl@@]]

Dieťa je alergické na arašidy. Nástup požadujeme od 1. 9. 2025.

### h22-012
Oznam pre rodičov – MŠ Hlavná 48, Košice

Rodičovské združenie sa uskutoční v utorok 19. 11. 2024 o 16:30 v triede Včielky (1. poschodie).
Program: 1. Plán akcií na december (Mikuláš 6. 12., vianočná besiedka 18. 12. o 15:00). 2. Príspevok na pobyt dieťaťa od 1. 1. 2025: 35,00 € mesačne, stravné 1,80 € denne.
Platby prosím uhrádzajte do 10. dňa v mesiaci s variabilným symbolom podľa zoznamu na nástenke (napr. 2024031) a do poznámky uveďte meno dieťaťa. IČO školy: 35541016, PSČ 040 01.
Zápis detí na školský rok 2025/2026 prebehne 5. – 9. 5. 2025 od 8:00 do 15:00.
Riaditeľstvo MŠ

### h22-013
Tiket HD-20931 – tlačiareň na 3. poschodí

Ahoj, tlačiareň v zasadačke (Kyocera, IP [[IP_ADDRESS|10.8.3.41]]) po výmene routera netlačí. Skúšala som ju pripojiť na hosťovskú Wi-Fi „Firma-Guest“, heslo [[SECRET|Jazierko_7714]], ale to asi nie je správna sieť. V skripte na skenovanie do e-mailu je tento SMTP nastavený:

smtp_host = smtp.sendgrid.net
smtp_user = apikey
smtp_pass = [[SECRET|@@sg:p013@@]]

Vďaka, Lenka z recepcie

### h22-014
Tiket HD-20944 – tlačiareň na 3. poschodí – vyriešené

Tlačiareň Kyocera ECOSYS M3645idn (s/n VCF4Z12345, MAC 00:17:C8:4A:2B:9E) dostala po výmene routera adresu z DHCP mimo rozsahu. Nastavená statická konfigurácia z rozsahu tlačiarní 10.8.3.0/26, maska 255.255.255.192, firmvér aktualizovaný na 2.0.17.5. Skenovanie do e-mailu ide cez interný relay na porte 25 bez autentifikácie, prihlasovacie údaje v zariadení nie sú potrebné.
Čas riešenia: 1 h 15 min. Stav: Uzavretý.
### h22-015
Tárgy: Belépő munkavállaló adatai – bérszámfejtés

Kedves Andrea!

Az új kolléga adatai a novemberi bérszámfejtéshez:
Név: Szabó Bence
Születési idő: [[DATE_OF_BIRTH|1986. 03. 14.]]
Születési hely: Debrecen
Anyja neve: Tóth Mária
TAJ-szám: @@taj:p015@@
Mobil: [[PHONE|@@phone:p015:HU:m:hu06@@]]
E-mail: [[EMAIL|szabo.bence86@freemail.hu]]
Bankszámla: [[IBAN|@@iban:p015:HU:spaced@@]]

Heti 40 órás munkaidő, bruttó alapbér 685 000 Ft, a próbaidő 90 nap. Belépés: 2024. december 2.

Üdv,
Kiss Réka, HR

### h22-016
Bérjegyzék – 2024. október

Munkavállaló: Szabó Bence, törzsszám: 004187
Alapbér: 685 000 Ft
Túlóra (6 óra): 29 352 Ft
Bruttó összesen: 714 352 Ft
SZJA (15%): 107 153 Ft
TB-járulék (18,5%): 132 155 Ft
Nettó kifizetés: 475 044 Ft

Utalás: 2024. 11. 08., a munkavállaló által megadott számlára (11773016-50418273-00000000 – csak a munkáltatói nyilvántartás szerint).
Munkáltató adószáma: 24815793-2-42, KSH-szám: 24815793-6920-113-01.
Szabadság: 20 nap/év, ebből felhasználva 12 nap.

### h22-017
Hibajegy #7712 – nem tudok belépni a számlázóba

Sziasztok! Hétfő óta nem enged be a számlázó program, azt írja, hogy lejárt a jelszó. Az új jelszavam [[SECRET|Balaton2024!nyar]] lenne, de a rendszer nem fogadja el. A gépem IP-címe [[IP_ADDRESS|10.1.12.87]], a szerver a [[IP_ADDRESS|10.1.0.20]].

A config.json-ban ezt látom:
"ConnectionStrings": { "Szamlazo": "Server=[[IP_ADDRESS|10.1.0.20]];Database=szamlazo;User Id=szamla_app;Password=[[SECRET|Sz4ml@z0_2023]];" }

Köszi, Gábor (pénzügy)

### h22-018
Hibajegy #7720 – jelszó lejárat

Tájékoztatjuk a kollégákat, hogy a tartományi jelszavak 90 naponta lejárnak. Az új jelszó legalább 12 karakter, tartalmazzon kis- és nagybetűt, számot és speciális karaktert, és nem egyezhet az utolsó 5 jelszóval.
A számlázó program 4.12.3 verziójától a belépés tartományi fiókkal történik (SSO). A régi, helyi fiókok 2024. december 31-én megszűnnek.
Jelszót SOHA ne küldjetek e-mailben vagy hibajegyben! Ha elfelejtetted, a jelszóvisszaállítás az önkiszolgáló portálon lehetséges.
Érintett szerverek: SZAMLA-SRV01, SZAMLA-SRV02 (alhálózat: 10.1.0.0/24).

### h22-019
Tisztelt Bérlő!

Az albérleti szerződés (Budapest XI., Bartók Béla út 72., 3. em. 9.) 2024. november 30-án lejár. A kaució (2 × 240 000 Ft) visszautalásához kérem, erősítse meg az alábbi adatokat:

Bérlő: Nagy Eszter
Telefon: [[PHONE|@@phone:p019:HU:m:intl@@]]
E-mail: [[EMAIL|nagy.eszter@gmail.com]]
Számlaszám: [[IBAN|@@iban:p019:HU:spaced@@]]

Az átadás-átvételt december 1-jén 10 órára javaslom, a mérőóra-állásokat akkor rögzítjük.

Üdvözlettel:
Farkas László, bérbeadó
Tel.: [[PHONE|@@phone:p019b:HU:f:nat@@]]

### h22-020
Átadás-átvételi jegyzőkönyv

Ingatlan: 1117 Budapest, Bartók Béla út 72., 3. em. 9. (hrsz.: 5143/2/A/27)
Időpont: 2024. december 1., 10:00

Mérőóra-állások:
- villany: 048217,6 kWh (gyári szám: 12345678)
- gáz: 07315,284 m³
- hideg víz: 00412,93 m³

Kaució: 480 000 Ft, levonás: 18 500 Ft (festés a hálószobában), visszajár: 461 500 Ft.
Kulcsok: 3 db bejárati, 1 db postaláda, 1 db kapunyitó (sorszám: 0471).
Hibák: a fürdőszobai csaptelep csöpög, az erkélyajtó zárja nehezen jár.

### h22-021
Fișă pacient – Clinica Medicală Sf. Andrei, Iași

Nume: Popescu Ioana
CNP: @@cnp:p021:19900823@@
Data nașterii: [[DATE_OF_BIRTH|23.08.1990]]
Telefon: [[PHONE|@@phone:p021:RO:m:dots@@]]
E-mail: [[EMAIL|ioana.popescu90@yahoo.ro]]
Asigurată CNAS: da, casa de asigurări Iași
Medic de familie: Dr. Rusu Mihai

Motivul prezentării: durere lombară de 3 săptămâni, fără traumatism. Trimitere pentru RMN coloană lombară, programare 28.11.2024, ora 14:20.

### h22-022
Confirmare programare

Bună ziua,

programarea dumneavoastră la Clinica Medicală Sf. Andrei a fost confirmată:
Serviciu: RMN coloană lombară (cod 3.4.12)
Data: 28.11.2024, ora 14:20, cabinet 7, etaj 2
Cod programare: SA-2024-118734
Tarif: 850 lei (decontat CNAS în baza biletului de trimitere nr. 4271093)

Vă rugăm să vă prezentați cu 15 minute înainte, cu actul de identitate și biletul de trimitere. Anularea se face cu cel puțin 24 de ore înainte, din contul de pacient.
Clinica Medicală Sf. Andrei SRL, CUI RO31852247, Nr. Reg. Com. J22/1456/2013

### h22-023
Tichet IT #5521 – serverul de test nu pornește

Salut, după update-ul de aseară aplicația de pe serverul de test ([[IP_ADDRESS|172.20.5.14]]) nu mai pornește. Eroarea din log:

2024-11-13 07:42:18 ERROR Failed to connect to Redis at redis-test:6379
2024-11-13 07:42:18 WARN Using fallback config /opt/app/.env

În .env e asta:
REDIS_URL=[[URL_CREDENTIALS|redis://default:Cluj2024redis@172.20.5.22:6379/0]]
MAPS_API_KEY=[[SECRET|@@aiza:p023@@]]

Parola de root pe server e tot [[SECRET|Somes#Root88]], dacă vrei să intri direct. Mersi! Andrei

### h22-024
Tichet IT #5530 – notă de release

Versiunea 3.8.2 a aplicației de facturare a fost instalată pe mediul de test pe 13.11.2024 la 22:10. Modificări: noul format e-Factura (UBL 2.1, CIUS-RO 1.0.1), corecții la calculul TVA 19% / 9% / 5%, export SAF-T D406.
Configurația de Redis se citește acum din variabila de mediu REDIS_URL (setată în Vault, nu în fișierul .env). Parolele nu se mai păstrează în repository.
Timp de nefuncționare estimat la următorul deploy: 15 minute. Port aplicație: 8443, health-check: /api/health.
Responsabil: echipa DevOps Cluj.

### h22-025
Θέμα: Δήλωση ζημιάς – συμβόλαιο 0047812293

Καλησπέρα σας,

σας στέλνω τα στοιχεία μου για τη δήλωση ζημιάς από τη χαλαζόπτωση της 10/11/2024 στο όχημά μου (ΙΚΥ-4821).

Ονοματεπώνυμο: Γεώργιος Παπαδόπουλος
Ημερομηνία γέννησης: [[DATE_OF_BIRTH|17/06/1982]]
ΑΦΜ: @@afm:p025@@
Κινητό: [[PHONE|@@phone:p025:GR:m:nat@@]]
Email: [[EMAIL|g.papadopoulos@otenet.gr]]
IBAN για την αποζημίωση: [[IBAN|@@iban:p025:GR:spaced@@]]

Η εκτίμηση του συνεργείου είναι 1.245,80 €. Επισυνάπτω φωτογραφίες.

Με εκτίμηση,
Γ. Παπαδόπουλος

### h22-026
Ανανέωση ασφαλιστηρίου συμβολαίου

Αγαπητέ πελάτη,

το συμβόλαιο αυτοκινήτου αρ. 0047812293 (όχημα ΙΚΥ-4821) λήγει στις 31/12/2024. Το ασφάλιστρο ανανέωσης για την περίοδο 01/01/2025 – 30/06/2025 ανέρχεται σε 186,40 € (καθαρό 158,90 €, τέλη και φόροι 27,50 €).

Καλύψεις: αστική ευθύνη, οδική βοήθεια, θραύση κρυστάλλων έως 600,00 €, φυσικοί κίνδυνοι με απαλλαγή 10%.
Κωδικός πληρωμής RF: RF46 0000 0047 8122 9300 1
Η πληρωμή γίνεται μέσω e-banking ή σε ΕΛΤΑ έως τις 20/12/2024.

Ασφαλιστική Αιγαίου Α.Ε., ΑΦΜ εταιρείας 094517823, ΓΕΜΗ 121884201000, Λεωφ. Συγγρού 112, 117 41 Αθήνα

### h22-027
Αίτημα #3391 – πρόσβαση στο ERP

Γεια σας, δεν μπορώ να συνδεθώ στο ERP από το σπίτι. Ο κωδικός μου είναι [[SECRET|Thalassa!1982]] και μου βγάζει «invalid credentials». Συνδέομαι μέσω VPN, η IP που μου δίνει είναι [[IP_ADDRESS|10.55.8.102]]. Ο server είναι ο [[IP_ADDRESS|83.235.71.19]] αν θυμάμαι καλά.
Τηλέφωνο για επικοινωνία: [[PHONE|@@phone:p027:GR:f:grplain@@]] (γραφείο)
Ευχαριστώ, Μαρία

### h22-028
Αίτημα #3398 – επαναφορά κωδικού

Η επαναφορά κωδικού για τους χρήστες του ERP γίνεται πλέον μόνο από τη σελίδα αυτοεξυπηρέτησης. Ο νέος κωδικός πρέπει να έχει τουλάχιστον 10 χαρακτήρες και δεν επιτρέπεται να στέλνεται με email ή σε αίτημα υποστήριξης.
Έκδοση ERP: 11.4.2.7 – συντήρηση το Σάββατο 23/11 από 08:00 έως 12:00.
Δίκτυο VPN: 10.55.8.0/22. Αριθμός αιτήματος για παραπομπή: INC-2024-3398.

### h22-029
Γεια σας, έχω ένα πρόβλημα με χρέωση στην κάρτα μου.

Στις 12/11 είδα χρέωση 389,00 € από «TECHSTORE ONLINE» που δεν έκανα εγώ. Τα στοιχεία της κάρτας: [[CREDIT_CARD|@@card:p029:mc:spaced@@]], λήξη 08/27.
Μπορείτε να με καλέσετε στο [[PHONE|@@phone:p029:GR:f:intl@@]] ή στο κινητό [[PHONE|@@phone:p029b:GR:m:nat@@]] μετά τις 17:00;
Ευχαριστώ, Ελένη Κωνσταντίνου

### h22-030
Η παραγγελία σας #GR-2024-558127 έχει αποσταλεί!

Προϊόντα: Ακουστικά ANC (1 τεμ.) 129,90 €, θήκη μεταφοράς (1 τεμ.) 14,90 €
Μεταφορικά: 3,50 € – Σύνολο: 148,30 € (συμπ. ΦΠΑ 24%)
Πληρωμή: κάρτα που λήγει σε 7731, αριθμός έγκρισης 316945
Αριθμός αποστολής ACS: 7402931856
Εκτιμώμενη παράδοση: Πέμπτη 14/11/2024, 09:00–17:00
Για επιστροφή έχετε 14 ημέρες από την παραλαβή. Κωδικός επιστροφής: RMA-88412.
### h22-031
Konu: Yeni personel özlük bilgileri

Merhaba Derya Hanım,

1 Aralık'ta işe başlayacak olan Emre Yıldız'ın bilgileri aşağıdadır, SGK girişini yapabilir misiniz?

Ad Soyad: Emre Yıldız
T.C. Kimlik No: @@tckn:p031@@
Doğum tarihi: [[DATE_OF_BIRTH|05.01.1993]]
Doğum yeri: Eskişehir
Cep tel: [[PHONE|@@phone:p031:TR:m:trparen@@]]
E-posta: [[EMAIL|emre.yildiz93@hotmail.com.tr]]
Maaş hesabı IBAN: [[IBAN|@@iban:p031:TR:spaced@@]]

Brüt ücret: 58.500,00 TL. Deneme süresi 2 ay.
İyi çalışmalar,
Selin Aksoy – İnsan Kaynakları

### h22-032
Ücret Bordrosu – Kasım 2024

Personel: Emre Yıldız, sicil no: 10472
SGK işyeri sicil no: 4 7112 01 01 1234567 034 12-45 000
Brüt ücret: 58.500,00 TL
SGK işçi payı (%14): 8.190,00 TL
İşsizlik sigortası işçi payı (%1): 585,00 TL
Gelir vergisi: 6.837,56 TL
Damga vergisi: 444,02 TL
Net ödenen: 42.443,42 TL

Ödeme tarihi: 29.11.2024. İşveren vergi no: 4810375926, Kadıköy Vergi Dairesi.
Yıllık izin hakkı: 14 gün, kullanılan: 3 gün.

### h22-033
Merhaba,

kartımdan benim yapmadığım bir harcama çekilmiş, itiraz etmek istiyorum. 11.11.2024 tarihinde "TRENDYOL*MARKET" üzerinden 2.349,90 TL tutarında işlem görünüyor.

Kart no: [[CREDIT_CARD|@@card:p033:mc@@]]
Telefon: [[PHONE|@@phone:p033:TR:m:nat@@]]

Kartı iptal edip yenisini gönderebilir misiniz? Teşekkürler.
Burak Demir

### h22-034
Sayın Müşterimiz,

11.11.2024 tarihli 2.349,90 TL tutarındaki işleme ilişkin itirazınız alınmıştır.
Şikayet no: 2024-TR-0917734
Kart: **** **** **** 6612 (iptal edildi)
Geçici iade tutarı: 2.349,90 TL, hesabınıza 13.11.2024 tarihinde yansıtılmıştır.
Yeni kartınız kargoya verilmiştir, Yurtiçi Kargo takip no: 720418335612.
İnceleme süreci en geç 45 gün içinde sonuçlandırılacaktır.

Saygılarımızla,
Kart Hizmetleri

### h22-035
Destek talebi #1187 – stok servisi veritabanına bağlanamıyor

Selam, stok servisi sabahtan beri hata veriyor. application.yml içindeki ayarlar şöyle:

spring:
  datasource:
    url: jdbc:postgresql://[[IP_ADDRESS|10.30.2.11]]:5432/stok
    username: stok_app
    password: [[SECRET|Ankara06!stok]]
  rabbitmq:
    addresses: [[URL_CREDENTIALS|amqp://depo:Kuyruk2024@10.30.2.40:5672/depo]]

Dün veritabanı sunucusunun şifresini değiştirdiniz mi? Yeni şifre lazımsa bana WhatsApp'tan gönderin, numaram [[PHONE|@@phone:p035:TR:m:intl@@]].
Ozan

### h22-036
Destek talebi #1193 – bakım duyurusu

Cumartesi 23.11.2024 saat 02:00–05:00 arasında veritabanı kümesi PostgreSQL 16.4'e yükseltilecektir. Etkilenen servisler: stok, sipariş, fatura. Bağlantı bilgileri değişmeyecek; şifreler Vault'ta tutulmaya devam edecek, yeni şifreyi talep eden kişiye e-posta veya mesajla gönderilmeyecektir.
Yedekleme: 22.11.2024 23:30, boyut yaklaşık 412 GB.
İzin verilen ağ: 10.30.0.0/16, port 5432. Sürüm notları: v2.7.0 → v2.8.1.
Sorumlu ekip: Altyapı (İstanbul).

### h22-037
Ansökan om förskoleplats – Solrosens förskola, Uppsala

Barnets namn: Elias Lindqvist
Barnet har ännu inget svenskt personnummer (familjen flyttade hem från Kanada i oktober).
Födelsedatum: [[DATE_OF_BIRTH|2021-08-14]]
Önskat startdatum: 2025-01-13

Vårdnadshavare 1: Anna Lindqvist, mobil [[PHONE|@@phone:p037:SE:m:nat@@]], e-post [[EMAIL|anna.lindqvist@telia.com]]
Personnummer vårdnadshavare 1: @@pnr:p037:19890302@@
Vårdnadshavare 2: Jonas Lindqvist, mobil [[PHONE|@@phone:p037b:SE:m:intl@@]]

Inkomstuppgift för maxtaxa: 48 500 kr/mån (hushållet). Återbetalningar till clearingnr 8327-9, kontonr 914 123 456-7.

### h22-038
Faktura nr 2024-1187

Solrosens förskola – avgift december 2024
Belopp att betala: 1 688,00 kr (maxtaxa barn 1, 3 % av inkomsttaket)
Förfallodatum: 2024-11-30
Betala till bankgiro 5402-9681, ange OCR-nummer 2411873052106.
Uppsala kommun, org.nr 212000-3005. Momsregistreringsnummer SE212000300501.
Vid frågor om avgiften, logga in i e-tjänsten Min sida. Påminnelseavgift 60 kr tas ut vid sen betalning.

### h22-039
Ärende #66104 – kan inte logga in i Visma

Hej! Jag har bytt lösenord till [[SECRET|Kanelbulle#2024]] men Visma säger fortfarande fel lösenord. Sitter på kontoret, min dator har IP [[IP_ADDRESS|10.44.1.58]].

Och en sak till – integrationen mot lönesystemet slutade funka i går. I appsettings.json står:
"VismaApi": { "ClientId": "hr-integration", "ClientSecret": "[[SECRET|@@alnum:p039:40@@]]", "BaseUrl": "https://api.lonetjanst.se/v2" }

Tack på förhand!
/Maja, ekonomi

### h22-040
Ärende #66115 – lösenordsbyte

Från och med 2024-12-01 byts lösenord i Visma via självbetjäningsportalen. Lösenordet ska vara minst 14 tecken. Skicka aldrig lösenord eller klienthemligheter i ärenden – de lagras i Azure Key Vault (valv: kv-lon-prod-01).
Integrationen mot lönesystemet uppgraderas till API v2.3.1 den 2024-11-20 kl. 18:00–20:00.
Berörda nät: 10.44.0.0/16. Felkod vid inloggning: 0x80070005 (åtkomst nekad).

### h22-041
Hei!

Jeg er interessert i leiligheten i Thereses gate 14 (annonse FINN-kode 372914055). Her er opplysningene dere ba om:

Navn: Kari Nordmann Haugen
Fødselsdato: [[DATE_OF_BIRTH|14.07.1979]]
Mobil: [[PHONE|@@phone:p041:NO:m:nat@@]]
E-post: [[EMAIL|kari.haugen@online.no]]
Arbeidsgiver: Oslo universitetssykehus, fast ansatt siden 2015

Depositum (3 × 16 500 kr) kan settes inn på depositumskonto i DNB. Til tilbakebetaling ved fraflytting kan dere bruke kontoen min, IBAN [[IBAN|@@iban:p041:NO:spaced@@]].

Mvh Kari

### h22-042
Purring – faktura 2024-0931

Vi kan ikke se å ha mottatt betaling for faktura 2024-0931 med forfall 15.10.2024.
Beløp: kr 16 500,00 (husleie november), purregebyr kr 35,00, totalt kr 16 535,00.
Betal til kontonummer @@knr:p042@@ og merk betalingen med KID 4418273905.
Ny forfallsdato: 29.11.2024. Ved manglende betaling sendes inkassovarsel etter 14 dager.
Utleier: Thereses Gate Eiendom AS, org.nr. 918 447 261 MVA, Thereses gate 14, 0452 Oslo.

### h22-043
Sak #2207 – databasebackup feiler

Hei, backup-jobben på NAS-en har feilet siden mandag. Skriptet ser sånn ut:

#!/bin/bash
export PGPASSWORD=[[SECRET|Fjordhest2024]]
pg_dump -h [[IP_ADDRESS|10.60.1.5]] -U backup regnskap > /mnt/backup/regnskap_$(date +%F).sql
rsync -a /mnt/backup/ [[URL_CREDENTIALS|rsync://nasbackup:Snoskred!9@10.60.1.9/backup]]

Passordet til NAS-admin er [[SECRET|Lofoten_88]] hvis dere må inn og se. Mvh Ola, IT-ansvarlig (deltid)

### h22-044
Sak #2214 – referat fra IT-møte 13.11.2024

1. Backupen flyttes til ny NAS (Synology RS1221+, DSM 7.2.2-72806) innen 1. desember.
2. Passord til tjenestekontoer ligger i 1Password-hvelvet «Drift»; ingen passord i skript – bruk ~/.pgpass med rettigheter 0600.
3. Lagringsbehov: 4,2 TB i dag, vekst ca. 35 GB per måned.
4. Nettverk: backup-VLAN 60, 10.60.1.0/24. Neste møte: 27.11.2024 kl. 09:00.

### h22-045
Indmeldelse i SFO – Skovbrynet Skole, Aarhus

Barnets navn: Freja Madsen
Fødselsdato: [[DATE_OF_BIRTH|03-09-2018]]
CPR-nr.: @@cpr:p045:20180903@@
Klasse: 0.B

Forælder 1: Mette Madsen, tlf. [[PHONE|@@phone:p045:DK:m:nat@@]], e-mail [[EMAIL|mette.madsen@mail.dk]]
Forælder 2: Rasmus Madsen, tlf. [[PHONE|@@phone:p045b:DK:m:dk00@@]]

Freja må hentes af sin morfar om torsdagen. Hun tåler ikke laktose.
Ønsket start: 2. december 2024.

### h22-046
Faktura nr. 2024-4417 – SFO-betaling december

Beløb: 1.962,00 kr (fuld plads), søskenderabat 0,00 kr
Betalingsfrist: 01.12.2024
Betal via FI-kort: +71<000000412234587+85034419<
Eller bankoverførsel: reg.nr. 7244, kontonr. 0001187452
Aarhus Kommune, CVR-nr. 55133018, EAN-nr. 5798005770213
Ved spørgsmål: skriv via Aula eller selvbetjeningen på kommunens hjemmeside.
Rykkergebyr ved for sen betaling: 100,00 kr.

### h22-047
Sag #8841 – login til lønportal

Hej support, jeg kan ikke komme ind i lønportalen efter skift af adgangskode. Den nye er [[SECRET|Rugbroed!2024x]]. Jeg sidder på VPN med IP [[IP_ADDRESS|10.80.14.23]].

Fejlen i browserens konsol viser denne token:
Authorization: Bearer [[JWT|@@jwt:p047:RS256@@]]

Kan I se hvad der er galt? Vh. Søren

### h22-048
Sag #8850 – lønportal nede

Lønportalen (version 5.14.0) var utilgængelig 13.11.2024 kl. 08:12–08:47 pga. udløbet certifikat på login-serveren. Tokens udstedt før kl. 08:12 er ugyldige, og brugerne skal logge ind igen. Adgangskoder er ikke berørt og skal ikke nulstilles.
Berørte netværk: 10.80.0.0/16. Hændelses-ID: INC0041187. Næste vedligeholdelse: lørdag 23.11.2024 kl. 06:00–08:00.

### h22-049
Aihe: Uuden työntekijän tiedot palkanlaskentaan

Hei Sanna,

tässä Mikko Virtasen tiedot, hän aloittaa 2.12.2024:

Nimi: Mikko Virtanen
Henkilötunnus: @@hetu:p049:19750421@@
Syntymäaika: [[DATE_OF_BIRTH|21.4.1975]]
Puh. [[PHONE|@@phone:p049:FI:m:fisp@@]]
Sähköposti: [[EMAIL|mikko.virtanen@elisanet.fi]]
Tilinumero: [[IBAN|@@iban:p049:FI:spaced@@]]
Verokortti: perusprosentti 24,5 %, tuloraja 42 000 €

Terveisin
Laura, HR

### h22-050
Lasku 10418

Laskun päiväys: 14.11.2024, eräpäivä: 28.11.2024
Viitenumero: 10418 27736
Summa: 1 234,56 € (alv 25,5 % 250,83 €)
Tuote: työterveyshuollon vuosisopimus 2025, 12 henkilöä
Y-tunnus: 2847519-3
Viivästyskorko: korkolain mukainen, huomautusmaksu 5,00 €.
Maksu verkkopankissa viitenumerolla tai e-laskuna (välittäjätunnus OKOYFIHH).

### h22-051
Tiketti #5120 – ei pääsyä palkkajärjestelmään

Moi, palkkajärjestelmä ei päästä sisään salasanan vaihdon jälkeen. Uusi salasana on [[SECRET|Mustikka-2024!]], vanha oli [[SECRET|Karhu77kesa]]. Koneeni osoite on [[IP_ADDRESS|10.90.3.115]] ja palvelin [[IP_ADDRESS|10.90.0.12]].
Soita jos tarvitset lisätietoja: [[PHONE|@@phone:p051:FI:m:intl@@]]
– Jussi

### h22-052
Tiketti #5127 – huoltokatko

Palkkajärjestelmä päivitetään versioon 2024.4 (build 2024.4.118.2) lauantaina 23.11.2024 klo 7–11. Katkon aikana kirjautuminen ei onnistu. Salasanoja ei tarvitse vaihtaa. Älä koskaan lähetä salasanaa tikettiin tai sähköpostiin.
Verkko: 10.90.0.0/16, palvelinten ylläpitoikkuna joka kuun kolmas lauantai.
### h22-053
Onderwerp: Reactie op huurwoning Vechtstraat 88-2, Utrecht

Beste mevrouw De Vries,

hierbij stuur ik de gevraagde gegevens voor de screening:

Naam: Sanne Bakker
Geboortedatum: [[DATE_OF_BIRTH|12-10-1992]]
BSN: @@bsn:p053@@ (alleen voor de inkomenstoets, graag na gebruik verwijderen)
Mobiel: [[PHONE|@@phone:p053:NL:m:nldash@@]]
E-mail: [[EMAIL|sanne.bakker92@ziggo.nl]]
Bruto maandinkomen: € 4.850,00 (vast contract, werkgever gemeente Utrecht)

De borg van € 2.490,00 kan ik overmaken vanaf [[IBAN|@@iban:p053:NL:spaced@@]].

Met vriendelijke groet,
Sanne Bakker

### h22-054
Factuur huur december 2024 – Vechtstraat 88-2

Factuurnummer: HV-2024-12-0417
Kale huur: € 1.245,00
Servicekosten: € 68,50
Voorschot energie: € 112,00
Totaal: € 1.425,50, te voldoen vóór 1 december 2024

Automatische incasso, machtigingskenmerk HV-0417-2023, incassant-ID NL27ZZZ302847190000.
Verhuurder: Domstad Wonen B.V., KvK 30284719, btw-nummer NL8127.35.418.B01, Oudegracht 211, 3511 NG Utrecht.
Indexatie per 1 juli 2025 conform CPI. Parkeervergunning kenteken GX-417-B loopt door.

### h22-055
Ticket #30581 – Exact koppeling werkt niet meer

Hoi, sinds de update van vanochtend draait de koppeling met Exact Online niet meer. In de .env van de koppelserver ([[IP_ADDRESS|10.12.5.30]]):

EXACT_CLIENT_ID=4c8a1d2e-5f31-4b7a-9d0e-2a6c8f1b3e57
EXACT_CLIENT_SECRET=[[SECRET|@@alnum:p055:32@@]]
SLACK_WEBHOOK=[[SECRET|@@slackhook:p055@@]]

Mijn wachtwoord voor de server is trouwens verlopen, tijdelijk heb ik [[SECRET|Stroopwafel#42]] ingesteld. Kunnen jullie even kijken?
Groet, Daan

### h22-056
Ticket #30590 – onderhoud koppelserver

Op zaterdag 23 november van 07:00 tot 09:00 wordt de koppelserver bijgewerkt naar Ubuntu 24.04.1 LTS en Node.js 20.18.0. De koppeling met Exact Online staat in die periode stil; orders worden daarna automatisch verwerkt (wachtrij max. 5.000 berichten).
Geheimen (client secret, webhooks) staan vanaf nu in de sleutelkluis en niet meer in .env-bestanden. Stuur nooit wachtwoorden via tickets of chat.
Netwerk: 10.12.5.0/24, poort 8443. Changenummer: CHG-2024-1187.

### h22-057
Geachte heer/mevrouw,

ik wil graag mijn dochter bijschrijven op mijn zorgverzekering per 1 januari.

Naam kind: Lotte Jansen
Geboren op: [[DATE_OF_BIRTH|4 mei 2024]]
Polisnummer hoofdverzekerde: 408812736
Mijn geboortedatum: [[DATE_OF_BIRTH|19-02-1990]]
Telefoon: [[PHONE|@@phone:p057:NL:m:intl@@]]

Kunt u bevestigen dat de aanvullende tandartsverzekering ook voor haar geldt?
Met vriendelijke groet,
Marieke Jansen

### h22-058
Bevestiging wijziging zorgverzekering

Polisnummer: 408812736, relatienummer 77104528
Per 1 januari 2025 is een medeverzekerde toegevoegd aan uw polis. Kinderen tot 18 jaar zijn gratis meeverzekerd voor de basisverzekering en de aanvullende verzekering.
Uw premie per maand: € 148,35 (basis € 139,90, aanvullend € 8,45). Verplicht eigen risico 2025: € 385.
Uw nieuwe zorgpas wordt binnen 10 werkdagen verstuurd. Zorgverzekeraar UZOVI-code 3311.

### h22-059
Assunto: Dados para processamento salarial – admissão de 2 de dezembro

Olá Rita,

seguem os dados do novo colaborador para o processamento salarial:

Nome: João Miguel Ferreira
Data de nascimento: [[DATE_OF_BIRTH|19/02/1983]]
NIF: @@nifpt:p059@@
N.º Segurança Social: 11847201935
Telemóvel: [[PHONE|@@phone:p059:PT:m:ptintl@@]]
E-mail: [[EMAIL|joao.m.ferreira@sapo.pt]]
IBAN: [[IBAN|@@iban:p059:PT:spaced@@]]

Vencimento base: 1.850,00 € x 14 meses, subsídio de refeição 9,60 €/dia em cartão.

Cumprimentos,
Teresa Lopes, Recursos Humanos

### h22-060
Fatura FT 2024A/1187

Data: 14/11/2024 – Vencimento: 14/12/2024
Cliente: Ferreira & Lopes, Lda., NIF 508471923
Serviço: manutenção mensal do sistema de faturação (novembro)
Valor: 410,00 € + IVA 23% (94,30 €) = 504,30 €
ATCUD: JJ7K2M4F-1187

Pagamento por Multibanco:
Entidade: 21312
Referência: 912 304 775
Montante: 504,30 €

Documento processado por programa certificado n.º 2871/AT. Capital social 5.000,00 €, CRC Porto.

### h22-061
Pedido #4471 – backoffice não liga à base de dados

Bom dia, o backoffice está a dar erro 500 desde as 9h. No ficheiro settings.py está assim:

DATABASES = {"default": dj_database_url.parse("[[URL_CREDENTIALS|mysql://backoffice:Bacalhau2024!@10.70.2.8:3306/loja]]")}
SENDGRID_API_KEY = "[[SECRET|@@sg:p061@@]]"

A senha do utilizador admin do Django é [[SECRET|Pasteis.de.nata7]], caso precisem. O servidor é o [[IP_ADDRESS|10.70.2.5]].
Obrigado, Nuno

### h22-062
Pedido #4480 – atualização do backoffice

A atualização para Django 5.1.3 e Python 3.12.7 ficou concluída no dia 15/11/2024 às 22h40. As credenciais da base de dados passam a ser lidas da variável de ambiente DATABASE_URL, definida no gestor de segredos; o ficheiro settings.py já não contém senhas.
Tempo de indisponibilidade: 12 minutos. Próxima janela de manutenção: sábado, 30/11, das 7h às 9h.
Rede interna: 10.70.2.0/24.

### h22-063
Olá, boa tarde!

Fiz uma compra no site de vocês e fui cobrada duas vezes. O valor de R$ 1.289,90 aparece duplicado na fatura do cartão, com data de 08/11.

Cartão: [[CREDIT_CARD|@@card:p063:mc:spaced@@]]
CPF do titular: @@cpf:p063@@
Data de nascimento: [[DATE_OF_BIRTH|07/12/1995]]
Celular/WhatsApp: [[PHONE|@@phone:p063:BR:m:br9@@]]
E-mail: [[EMAIL|larissa.souza95@bol.com.br]]

Pedido nº 1029384756. Quero o estorno de uma das cobranças, por favor.
Larissa Souza

### h22-064
Boleto – Condomínio Edifício Jacarandá

Unidade: apto 1104, bloco B
Competência: 12/2024 – Vencimento: 10/12/2024
Valor: R$ 1.234,56 (taxa ordinária R$ 1.050,00 + fundo de reserva R$ 105,00 + água R$ 79,56)
Após o vencimento: multa de 2% e juros de 1% ao mês.

Linha digitável: 34191.79001 01043.510047 91020.150008 4 99810000123456
Chave Pix (aleatória): 7f3c9a21-5b8e-4d06-a1c4-e92f30b7d815
Beneficiário: Condomínio Edifício Jacarandá, CNPJ @@cnpj:p064@@
Administradora: Lar Gestão Predial Ltda., CEP 04538-132, São Paulo – SP

### h22-065
Chamado #88213 – integração com gateway de pagamento fora do ar

Pessoal, a integração parou às 03:12. Log do container:

2024-11-14T03:12:44Z ERROR PaymentClient: 401 Unauthorized from https://api.pagfacil.com.br/v3/charges
2024-11-14T03:12:44Z DEBUG request headers: {"Authorization": "Bearer [[JWT|@@jwt:p065@@]]", "X-Forwarded-For": "[[IP_ADDRESS|177.71.203.46]]"}

No .env está STRIPE_SECRET_KEY=[[SECRET|@@sklive:p065@@]] (a gente usa Stripe pro checkout internacional). A senha do painel do gateway é [[SECRET|Feijoada@2024]].
Abs, Rafael

### h22-066
Chamado #88220 – relatório do incidente

Resumo: entre 03:12 e 04:05 de 14/11/2024 as cobranças falharam com HTTP 401, pois o token de acesso expirou e a rotina de renovação (cron */30) estava desativada desde o deploy v4.7.2.
Impacto: 1.284 cobranças reprocessadas, total R$ 318.940,27. Nenhum dado de cartão foi exposto; os logs passam a mascarar cabeçalhos Authorization.
Ações: reativar o cron, alerta no Grafana para respostas 401 acima de 5%, revisão do deploy. Responsável: squad Pagamentos.
### h22-067
Oggetto: Subentro contratto di locazione – via Saragozza 41, Bologna

Gentile amministratore,

come concordato al telefono, le invio i dati della nuova conduttrice per il subentro dal 1° gennaio:

Nome e cognome: Chiara Bianchi
Nata a Modena il [[DATE_OF_BIRTH|14 luglio 1990]]
Codice fiscale: @@cf:p067:19900714:f:BNC:CHR:F257@@
Cellulare: [[PHONE|@@phone:p067:IT:m:itsp@@]]
E-mail: [[EMAIL|chiara.bianchi90@libero.it]]
IBAN per il rimborso del deposito cauzionale: [[IBAN|@@iban:p067:IT:spaced@@]]

Il canone resta di 780,00 € mensili più 95,00 € di spese condominiali.

Cordiali saluti,
Francesca Rossi

### h22-068
Bolletta luce – periodo ottobre 2024

Codice cliente: 3018847201
POD: IT001E74152893
Consumo fatturato: 212 kWh (F1 88, F2 61, F3 63)
Importo: 73,48 € – scadenza 25/11/2024
Pagamento con domiciliazione SDD, addebito previsto il 25/11/2024.
Bonus sociale: non applicato. Potenza impegnata 3 kW, tensione 220 V.
Fornitore: Energia Emilia S.p.A., P. IVA @@piva:p068@@, CAP 40123 Bologna.
Prossima lettura stimata: 20/12/2024.

### h22-069
Ticket #15502 – non riesco ad accedere al gestionale

Ciao, da stamattina il gestionale mi dice “password scaduta”. Ho provato a impostare [[SECRET|Cannolo!2024sic]] ma non la accetta. Sono collegata in VPN, IP [[IP_ADDRESS|10.33.7.81]].

Inoltre il collega ha lasciato nel file di configurazione del connettore:
[smtp]
host = smtps.aruba.it
user = [[EMAIL|fatture@ferramentaesposito.it]]
password = [[SECRET|Vesuvio_1987]]

Grazie, Giulia

### h22-070
Ticket #15510 – policy password

Dal 1/12/2024 la password del gestionale deve essere di almeno 12 caratteri e viene cambiata ogni 90 giorni. La casella delle fatture passa all'autenticazione OAuth2: la password SMTP non serve più e va rimossa dai file di configurazione.
Versione gestionale: 8.3.1 (build 2411). Rete VPN: 10.33.0.0/16. Non inviate mai password via ticket o e-mail.

### h22-071
Buongiorno,

vi scrivo per contestare un addebito sulla mia carta di credito: il 10/11/2024 risultano due pagamenti da 54,90 € a “SPOTIFY AB”, ma ho un solo abbonamento.

Numero carta: [[CREDIT_CARD|@@card:p071:visa@@]] (scadenza 03/28)
Potete richiamarmi al [[PHONE|@@phone:p071:IT:m:plain@@]] o al fisso [[PHONE|@@phone:p071b:IT:f:nat@@]]?

Grazie,
Marco Esposito

### h22-072
Gentile cliente,

abbiamo ricevuto la sua richiesta di contestazione n. CT-2024-883107 relativa all'addebito di 54,90 € del 10/11/2024 sulla carta che termina con 2208.
L'importo è stato riaccreditato in via provvisoria il 13/11/2024. La pratica sarà chiusa entro 60 giorni; riceverà l'esito nell'area riservata.
Codice di autorizzazione dell'operazione: 081473, ARN 74987504316031807452911.
Cordiali saluti, Servizio Clienti Carte

### h22-073
제목: 신규 입사자 인사정보 등록 요청

안녕하세요, 인사팀 김지은입니다.
12월 2일 입사 예정자 정보 공유드립니다.

성명: 박민준
생년월일: [[DATE_OF_BIRTH|1991년 2월 15일]]
주민등록번호: 910215-1******
휴대전화: [[PHONE|@@phone:p073:KR:m:nat@@]]
이메일: [[EMAIL|minjun.park91@naver.com]]
급여계좌: 국민은행 912-21-0471-883

참고로 박민준 님은 미국 법인(LA)에서 2년간 근무하셨고, 미국 세금 정산용 SSN은 [[US_SSN|@@ssn:p073@@]]입니다.
연봉: 52,000,000원, 수습기간 3개월

### h22-074
2024년 11월 급여명세서

성명: 박민준 / 사번: 20241187 / 부서: 재무팀
기본급: ₩3,850,000
식대: ₩200,000
연장근로수당: ₩184,620
지급총액: ₩4,234,620
국민연금: ₩173,250 / 건강보험: ₩136,480 / 장기요양: ₩17,670 / 고용보험: ₩38,110
소득세: ₩198,370 / 지방소득세: ₩19,830
실지급액: ₩3,650,910
지급일: 2024.11.25 / 사업자등록번호: 214-87-39105

### h22-075
[IT 헬프데스크] 요청 #2291 – 배포 서버 접속 불가

안녕하세요. 배포 서버([[IP_ADDRESS|10.10.20.31]])에 SSH 접속이 안 됩니다. 비밀번호를 [[SECRET|Bibimbap2024!]]로 바꿨는데 Permission denied가 뜹니다.

그리고 배포 스크립트에 AWS 키가 하드코딩되어 있어서 공유드립니다:
AWS_ACCESS_KEY_ID=[[SECRET|@@akia:p075@@]]
AWS_SECRET_ACCESS_KEY=[[SECRET|@@awssecret:p075@@]]

확인 부탁드립니다. 연락처: [[PHONE|@@phone:p075:KR:m:kr82@@]]
개발팀 이서준

### h22-076
[IT 헬프데스크] 요청 #2298 – 배포 서버 정책 변경 안내

11월 20일(수) 18:00부터 배포 서버는 비밀번호 로그인이 차단되고 SSH 키 인증만 허용됩니다. AWS 자격 증명은 IAM 역할(arn:aws:iam::123456789012:role/deploy)로 대체되며, 스크립트에 키를 적지 마세요.
대상 서버: deploy-01, deploy-02 (서브넷 10.10.20.0/24)
OS 버전: Ubuntu 22.04.5 LTS, 커널 5.15.0-125
문의는 헬프데스크 포털로 접수해 주세요.

### h22-077
[고객센터 문의] 결제 취소 요청

주문번호 2024111398172 결제 건이 두 번 승인되었습니다. 한 건 취소 부탁드립니다.

카드번호: [[CREDIT_CARD|@@card:p077:visa:dashed@@]]
생년월일 6자리: [[DATE_OF_BIRTH|880927]]
휴대폰: [[PHONE|@@phone:p077:KR:m:nat@@]]

승인금액 각 89,000원, 승인일시 2024.11.13 21:47
빠른 처리 부탁드립니다.

### h22-078
[주문 조회] 주문번호 2024111398172

주문일시: 2024.11.13 21:47
상품: 무선 청소기 1개 / 결제금액 ₩89,000 (할부 없음)
결제수단: 신용카드 (****-****-****-3407)
배송: CJ대한통운 운송장번호 6824 1193 0572
도착 예정: 2024.11.15 (금)
현금영수증/세금계산서 발행: 사업자등록번호 107-86-41930
교환/반품 접수 기한: 수령 후 7일 이내

### h22-079
件名：扶養家族の追加について

人事部 ご担当者様

お疲れ様です。経理部の田中です。
来月から妻を扶養に入れたく、必要事項をお送りします。

氏名：田中 美咲
生年月日：[[DATE_OF_BIRTH|平成3年5月17日]]
続柄：妻
本人（田中 健一）の生年月日：[[DATE_OF_BIRTH|昭和63年4月12日]]
連絡先電話：[[PHONE|@@phone:p079:JP:m:nat@@]]
メール：[[EMAIL|k.tanaka.1988@docomo.ne.jp]]

妻の年収見込みは103万円以下です。マイナンバーは別途、所定の書類で提出いたします。
よろしくお願いいたします。

### h22-080
請求書

請求番号：INV-2024-11-0418
発行日：2024年11月14日
お支払期限：2024年12月13日
品名：社内ネットワーク保守（11月分）
金額：¥120,000（税抜）／消費税（10%）¥12,000／合計 ¥132,000
お振込先：みずほ銀行 渋谷支店 普通 3081742 カ）ネットワークサービス
登録番号：T4011001087231
※振込手数料は貴社にてご負担ください。

### h22-081
【ヘルプデスク】問い合わせ #7734 – 経費精算システムにログインできない

お疲れ様です。営業部の佐藤です。
昨日パスワードを「[[SECRET|Sakura2024!haru]]」に変更したのですが、経費精算システムにログインできません。
社内IPは[[IP_ADDRESS|10.3.45.12]]です。

また、営業支援ツールの設定ファイルにAPIキーが書いてありました：
openai_api_key: [[SECRET|@@openai:p081@@]]

ご確認をお願いいたします。内線 4417

### h22-082
【ヘルプデスク】お知らせ – 経費精算システムのメンテナンス

11月23日（土）9:00～12:00に経費精算システム（バージョン 6.2.1）のメンテナンスを実施します。
パスワードは90日ごとに変更が必要です。パスワードをメールやチケットに記載しないでください。
APIキーは各自の設定ファイルではなく、シークレット管理（Vault）から取得する方式に変更します。
対象ネットワーク：10.3.0.0/16、問い合わせ番号：#7741

### h22-083
お問い合わせフォーム

お問い合わせ種別：クレジットカードの不正利用について
お名前：鈴木 恵子
電話番号：[[PHONE|@@phone:p083:JP:f:nat@@]]
メールアドレス：[[EMAIL|keiko.suzuki@yahoo.co.jp]]

内容：
11月12日に身に覚えのない決済（¥38,500）がありました。
カード番号は [[CREDIT_CARD|@@card:p083:visa:spaced@@]] です。
カードの利用停止と再発行をお願いします。

### h22-084
【ご返信】不正利用調査の受付について

鈴木 恵子 様

お問い合わせいただいた11月12日のご利用（¥38,500）につきまして、調査を開始いたしました。
受付番号：FRD-20241113-00471
対象カード：末尾 5519
カードは本日付で利用停止とし、新しいカードを7～10営業日でお届けします。
調査結果は12月13日までにご登録の住所へ書面でお知らせします。
### h22-085
Tiêu đề: Hồ sơ nhân viên mới – phòng Kế toán

Chào chị Hương,

Em gửi thông tin nhân viên mới để làm hợp đồng và đăng ký bảo hiểm:

Họ và tên: Nguyễn Văn Minh
Ngày sinh: [[DATE_OF_BIRTH|12/08/1994]]
Số CCCD: @@cccd:p085:19940812@@, cấp ngày 15/04/2021
Số điện thoại: [[PHONE|@@phone:p085:VN:m:dots@@]]
Email: [[EMAIL|minh.nguyen94@gmail.com]]
Số tài khoản nhận lương: 0071 0004 18273 (Vietcombank, CN Hà Nội)

Mức lương thỏa thuận: 18.500.000 đ/tháng, thử việc 2 tháng. Ngày bắt đầu: 02/12/2024.
Em cảm ơn chị ạ.

### h22-086
HÓA ĐƠN GIÁ TRỊ GIA TĂNG

Ký hiệu: 1C24TAA – Số: 00004187
Ngày lập: 14 tháng 11 năm 2024
Đơn vị bán: Công ty TNHH Giải pháp Mạng Sông Hồng, MST: 0108471926
Đơn vị mua: Công ty CP Thương mại Phú An, MST: 0312748159-001
Dịch vụ bảo trì hệ thống mạng tháng 11/2024
Thành tiền: 12.500.000 đ, thuế GTGT 8%: 1.000.000 đ, tổng cộng: 13.500.000 đ
Bằng chữ: Mười ba triệu năm trăm nghìn đồng chẵn.
Mã tra cứu: 7KX2M9P4QD

### h22-087
Ticket #6612 – Ứng dụng bán hàng không kết nối được database

Chào team, từ sáng nay app bán hàng báo lỗi kết nối. Em check file cấu hình thấy:

DATABASE_URL=[[URL_CREDENTIALS|postgres://banhang:HaLong2024!@10.50.1.20:5432/banhang]]
JWT_SECRET=[[SECRET|@@hex:p087:64@@]]
SMS_API_KEY=[[SECRET|@@alnum:p087:32@@]]

Máy chủ app là [[IP_ADDRESS|10.50.1.15]], mật khẩu tài khoản quản trị là [[SECRET|Pho@bo2024]]. Nhờ anh chị xem giúp em.
Em Trang

### h22-088
Ticket #6620 – Thông báo bảo trì

Hệ thống bán hàng sẽ nâng cấp lên phiên bản 3.4.0 vào 22h00 thứ Bảy ngày 23/11/2024, dự kiến gián đoạn 30 phút. Mật khẩu và khóa API từ nay được lưu trong kho bí mật, không ghi vào file cấu hình và không gửi qua Zalo hay email.
Dải mạng nội bộ: 10.50.0.0/16. Mã thay đổi: CHG-6620. Doanh thu bị ảnh hưởng ước tính dưới 2.000.000 đ.

### h22-089
Perihal: Data karyawan baru – divisi Keuangan

Selamat siang Bu Rina,

berikut data karyawan baru yang mulai bekerja 2 Desember 2024:

Nama: Dewi Lestari
NIK: @@nik:p089:19880203:f@@
Tempat, tanggal lahir: Surabaya, [[DATE_OF_BIRTH|3 Februari 1988]]
No. HP/WA: [[PHONE|@@phone:p089:ID:m:iddash@@]]
Email: [[EMAIL|dewi.lestari88@yahoo.co.id]]
Rekening gaji: BCA 4471 0938 21 a.n. Dewi Lestari

Gaji pokok Rp 9.750.000, tunjangan transport Rp 750.000.
Terima kasih,
Andi (HRD)

### h22-090
Tagihan Langganan Internet – November 2024

No. pelanggan: 122418730917
Periode: 01/11/2024 – 30/11/2024
Paket: Bisnis 100 Mbps
Tagihan: Rp 1.250.000 + PPN 11% Rp 137.500 = Rp 1.387.500
Jatuh tempo: 20 November 2024
Pembayaran via Virtual Account BCA: 80777 1224 1873 0917
NPWP penyedia: 01.234.567.8-015.000, kode pos 12950
Denda keterlambatan Rp 50.000. Simpan bukti bayar sampai tagihan berikutnya.

### h22-091
Tiket #3307 – API toko online error 403

Halo tim IT, sejak deploy tadi malam API toko online balikin 403. Di file config production:

midtrans:
  server_key: [[SECRET|Mid-server-@@alnum:p091:24@@]]
  is_production: true
github_token: [[SECRET|@@ghp:p091@@]]

Kata sandi akun admin dashboard juga sudah saya ganti jadi [[SECRET|Rendang#Padang24]]. Server API ada di [[IP_ADDRESS|103.28.52.117]].
Kalau perlu telepon saya di [[PHONE|@@phone:p091:ID:m:idintl@@]].
Salam, Budi

### h22-092
Tiket #3315 – Catatan rilis

Rilis v2.9.4 untuk toko online sudah naik ke production pada 14/11/2024 pukul 23.10 WIB. Perubahan: perbaikan validasi ongkir, integrasi pembayaran QRIS, dan pembaruan library ke Laravel 11.31.
Kunci server pembayaran sekarang dibaca dari variabel lingkungan MIDTRANS_SERVER_KEY; jangan menyimpan kata sandi atau token di repositori.
Jumlah transaksi yang gagal sebelum perbaikan: 118 (total Rp 14.872.500).

### h22-093
נושא: טופס קליטת עובד חדש

שלום אורית,

מצרף את פרטי העובד החדש לקליטה במערכת השכר:

שם: יונתן כהן
ת.ז.: @@tz:p093@@
תאריך לידה: [[DATE_OF_BIRTH|14.2.1986]]
טל׳ נייד: [[PHONE|@@phone:p093:IL:m:il@@]]
דוא״ל: [[EMAIL|yonatan.cohen86@walla.co.il]]
חשבון בנק לשכר: [[IBAN|@@iban:p093:IL:spaced@@]]

יונתן עבד קודם בסניף שלנו בניו יורק, ולכן יש לו גם מספר ביטוח לאומי אמריקאי: [[US_SSN|@@ssn:p093@@]] (לצורך דוח מס בארה״ב בלבד).
שכר ברוטו: 21,500 ₪. תחילת עבודה: 1.12.2024.

תודה,
מיכל, משאבי אנוש

### h22-094
חשבונית מס / קבלה מס׳ 30418

תאריך: 14.11.2024
לכבוד: אלון מערכות בע״מ, ח.פ. 514872391
עבור: שירותי תמיכה ותחזוקה – נובמבר 2024
סכום לפני מע״מ: 4,200.00 ₪
מע״מ 17%: 714.00 ₪
סה״כ לתשלום: 4,914.00 ₪
תנאי תשלום: שוטף + 30
העברה בנקאית: בנק 12, סניף 645, חשבון 418273
מספר הקצאה: 318472905

### h22-095
קריאה #5520 – אין גישה לשרת הקבצים

היי, מאז הבוקר אני לא מצליחה להתחבר לשרת הקבצים ([[IP_ADDRESS|10.0.12.5]]). החלפתי סיסמה אתמול ל-[[SECRET|Hummus!Tahini24]] ועכשיו זה לא עובד. המחשב שלי מקבל כתובת [[IP_ADDRESS|10.0.14.77]].
בנוסף, בקובץ ההגדרות של הסקריפט לגיבוי מופיע:
BACKUP_TOKEN=[[SECRET|@@hex:p095:40@@]]
תודה, נועה

### h22-096
קריאה #5528 – תחזוקה מתוכננת

ביום שישי 22.11.2024 בין 06:00 ל-09:00 יתבצע שדרוג שרת הקבצים ל-Windows Server 2022 (גרסה 21H2, build 20348.2849). במהלך התחזוקה לא תהיה גישה לכוננים המשותפים.
אין לשלוח סיסמאות בקריאות שירות. איפוס סיסמה מתבצע בפורטל השירות העצמי.
רשת: 10.0.12.0/22. מספר שינוי: CHG-5528.

### h22-097
الموضوع: بيانات الموظف الجديد – قسم المالية

السلام عليكم أستاذ خالد،

مرفق بيانات الموظف الجديد لإضافته في نظام الرواتب:

الاسم: عبدالله محمد العتيبي
رقم الهوية الوطنية: 1084719352
تاريخ الميلاد: [[DATE_OF_BIRTH|1409/09/05هـ]]
الجوال: [[PHONE|@@phone:p097:SA:m:nat@@]]
البريد الإلكتروني: [[EMAIL|a.alotaibi@outlook.sa]]
رقم الآيبان: [[IBAN|@@iban:p097:SA:spaced@@]]

الراتب الأساسي: 12,500 ريال، بدل سكن 3,125 ريال. تاريخ المباشرة: 1 ديسمبر 2024.

مع التحية،
نورة – الموارد البشرية

### h22-098
فاتورة ضريبية

رقم الفاتورة: INV-2024-11-0471
تاريخ الإصدار: 14/11/2024
الرقم الضريبي للمورد: 310248719400003
السجل التجاري: 1010473829
الوصف: اشتراك سنوي في نظام إدارة الموارد البشرية (25 مستخدم)
المبلغ قبل الضريبة: 18,750.00 ر.س
ضريبة القيمة المضافة 15%: 2,812.50 ر.س
الإجمالي: 21,562.50 ر.س
تاريخ الاستحقاق: 14/12/2024 – الرمز البريدي: 12214 الرياض

### h22-099
تذكرة دعم #4471 – لا يمكن الدخول إلى نظام الحضور

مرحباً، منذ الصباح لا أستطيع الدخول إلى نظام الحضور والانصراف. غيرت كلمة المرور أمس إلى [[SECRET|Dubai@Marina2024]] والنظام يرفضها.
عنوان جهازي: [[IP_ADDRESS|10.25.4.61]]، وخادم النظام على [[IP_ADDRESS|94.200.118.73]].
رقم هويتي الإماراتية للتحقق: @@eid:p099:1987@@
للتواصل: [[PHONE|@@phone:p099:AE:m:arabic@@]] أو [[PHONE|@@phone:p099b:AE:m:intl@@]]
شكراً، مريم

### h22-100
تذكرة دعم #4478 – صيانة نظام الحضور

سيتم تحديث نظام الحضور والانصراف إلى الإصدار 7.1.4 يوم السبت 23/11/2024 من الساعة 08:00 إلى 10:00. لن تتأثر سجلات الحضور السابقة.
يرجى عدم إرسال كلمة المرور في التذاكر أو البريد الإلكتروني؛ إعادة تعيين كلمة المرور متاحة من بوابة الخدمة الذاتية.
الشبكة الداخلية: 10.25.0.0/16 – رقم طلب التغيير: CHG-4478.
