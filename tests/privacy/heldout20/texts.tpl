### h20-001
Can you tighten the wording of this results paragraph without changing any numbers? Journal limit is 250 words.

Results
Of 2,418 patients screened, 1,903 were randomised between 14 March 2019 and 30 November 2021 (intervention n = 951; usual care n = 952). Median follow-up was 27.4 months (IQR 21.0–33.8). The primary composite outcome occurred in 112 of 951 participants (11.8%) in the intervention group and 159 of 952 (16.7%) in the usual-care group (HR 0.69, 95% CI 0.54–0.88; p = 0.0027), corresponding to a number needed to treat of 20.4 (95% CI 12.6–53.1). All-cause mortality did not differ (4.1% vs 4.6%; HR 0.89, 0.58–1.37; p = 0.61). Effects were consistent across prespecified subgroups (p for interaction 0.18–0.83), including eGFR < 60 mL/min/1.73 m² (n = 388). Serious adverse events were reported in 203 (21.3%) and 197 (20.7%) participants, respectively. Per-protocol (n = 1,744) and multiple-imputation analyses (m = 50) gave similar estimates (HR 0.66, 0.51–0.86 and 0.70, 0.55–0.89). Trial registration ISRCTN 48291736; full protocol doi:10.1186/s13063-019-3427-5.

### h20-002
I have this table of DE genes from our RNA-seq run. Please add a column with the canonical PDB entry where I left "?" and tell me if any UniProt accession looks wrong.

gene    ensembl_id        refseq        uniprot  pdb    baseMean  log2FC  lfcSE  padj
TP53    ENSG00000141510   NM_000546.6   P04637   2OCJ   4812.33   -1.84   0.21   3.2e-09
BRCA1   ENSG00000012048   NM_007294.4   P38398   1JM7   911.07    -0.97   0.18   4.1e-06
EGFR    ENSG00000146648   NM_005228.5   P00533   1M17   15530.9    2.41   0.16   1.7e-41
KRAS    ENSG00000133703   NM_033360.4   P01116   ?      2204.55    0.62   0.14   8.8e-05
MYC     ENSG00000136997   NM_002467.6   P01106   ?      7341.12    1.93   0.19   2.2e-22
GAPDH   ENSG00000111640   NM_002046.7   P04406   1U8F   120443.0   0.03   0.05   0.71
CDKN2A  ENSG00000147889   NM_000077.5   P42771   ?      388.41    -3.12   0.44   5.6e-11

Samples: 6 vs 6, DESeq2 1.42.0, GRCh38.p14 / GENCODE v44, 24,981 genes after filtering (counts >= 10 in >= 3 samples).

### h20-003
Bitte prüfe die folgende Gefahrstoffliste für unser Labor auf Tippfehler bei CAS-Nummern und InChIKeys. Die Molmassen habe ich aus dem Katalog übernommen.

| Stoff              | CAS-Nr.    | InChIKey                     | SMILES                          | M (g/mol) | UN-Nr. | LGK |
|--------------------|------------|------------------------------|---------------------------------|-----------|--------|-----|
| Coffein            | 58-08-2    | RYYVLZVUVIJVGH-UHFFFAOYSA-N  | CN1C=NC2=C1C(=O)N(C(=O)N2C)C    | 194,19    | –      | 11  |
| Ethanol            | 64-17-5    | LFQSCWFLJHTTHZ-UHFFFAOYSA-N  | CCO                             | 46,07     | 1170   | 3   |
| Acetylsalicylsäure | 50-78-2    | BSYNRYMUTXBXSQ-UHFFFAOYSA-N  | CC(=O)OC1=CC=CC=C1C(=O)O        | 180,16    | –      | 11  |
| Natriumchlorid     | 7647-14-5  | FAPWRFPIFSIZLT-UHFFFAOYSA-M  | [Na+].[Cl-]                     | 58,44     | –      | 13  |
| Toluol             | 108-88-3   | YXFVVABEGXRONW-UHFFFAOYSA-N  | CC1=CC=CC=C1                    | 92,14     | 1294   | 3   |
| Aceton             | 67-64-1    | CSCPPACGZOOCGX-UHFFFAOYSA-N  | CC(C)=O                         | 58,08     | 1090   | 3   |

Lagermengen laut Inventur vom 02.04.2024: Ethanol 42,5 l, Toluol 7,5 l, Aceton 18 l. Grenzwert AGW Toluol 50 ml/m³ (190 mg/m³).

### h20-004
Please check the front matter below against the journal's template (they want affiliations numbered and the corresponding author block on one line).

Soil respiration and microbial carbon-use efficiency along a 40-year deglaciation chronosequence in Svalbard

Ines Arvidsson¹, Tomasz Wróbel², Maren Holt¹*

¹ Department of Arctic Biology, University Centre in Svalbard, Longyearbyen, Norway
² Institute of Environmental Sciences, Jagiellonian University, Kraków, Poland
* Corresponding author: Maren Holt, [[EMAIL|maren.holt@unis-arcticbio.no]], tel. [[PHONE|@@phone:p004:NO:m:intl@@]]

Received 3 May 2024; revised 12 July 2024; accepted 19 August 2024

Abstract. Soil CO₂ efflux was measured on 48 plots (n = 6 per age class) between 2019 and 2023. Mean efflux rose from 0.42 ± 0.11 µmol m⁻² s⁻¹ on 5-year-old moraine to 2.87 ± 0.64 µmol m⁻² s⁻¹ on 40-year-old surfaces (p < 0.001), while carbon-use efficiency fell from 0.51 to 0.38 (r = −0.72, p = 0.0004). Q10 averaged 2.9 (95% CI 2.4–3.5). Data: PANGAEA doi:10.1594/PANGAEA.961284.

### h20-005
How can I split this multi-FASTA into one file per record and name each file after the accession only (the part before the first space)?

>MN908947.3 Severe acute respiratory syndrome coronavirus 2 isolate Wuhan-Hu-1, complete genome
ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAA
CGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAAC
TAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTG
>OQ291490.1 Severe acute respiratory syndrome coronavirus 2 isolate SARS-CoV-2/env/USA/WW-2210-04417/2022 ORF1ab polyprotein gene, partial cds
ATGGAGAGCCTTGTCCCTGGTTTCAACGAGAAAACACACGTCCAACTCAGTTTGCCTGTTTTACAGGTTC
GCGACGTGCTCGTACGTGGCTTTGGAGACTCCGTGGAGGAGGTCTTATCAGAGGCACGTCAACATCTTAA
>sp|P0DTC2|SPIKE_SARS2 Spike glycoprotein OS=Severe acute respiratory syndrome coronavirus 2 OX=2697049 GN=S PE=1 SV=1
MFVFLVLLPLVSSQCVNLTTRTQLPPAYTNSFTRGVYYPDKVFRSSVLHSTQDLFLPFFSNVTWFHAIHV
SGTNGTKRFDNPVLPFNDGVYFASTEKSNIIRGWIFGTTLDSKTQSLLIVNNATNVVIKVCEFQFCNDPF

The real file has 14,382 records (2.1 GB), so I'd rather not load it all into memory.

### h20-006
I want to keep only PASS sites with gnomAD AF > 0.01 from this sites-only VCF. Is `bcftools view -f PASS -i 'INFO/gnomAD_AF>0.01'` right, or do I need to split multiallelics first?

##fileformat=VCFv4.2
##reference=GRCh38
##contig=<ID=chr7,length=159345973>
##contig=<ID=chr12,length=133275309>
##contig=<ID=chr17,length=83257441>
##contig=<ID=chr19,length=58617616>
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">
##INFO=<ID=gnomAD_AF,Number=A,Type=Float,Description="gnomAD v4.1 allele frequency">
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO
chr7	55191822	rs121434568	T	G	1822.4	PASS	AF=0.0021;DP=4417;gnomAD_AF=0.000004
chr12	25245350	rs121913529	C	A,T	955.1	PASS	AF=0.0009,0.0002;DP=3981;gnomAD_AF=0.00001,0.000002
chr17	7676154	rs1042522	G	C	4410.7	PASS	AF=0.672;DP=5120;gnomAD_AF=0.6653
chr19	44908684	rs429358	T	C	3120.2	PASS	AF=0.148;DP=4877;gnomAD_AF=0.1504
chr19	44908822	rs7412	C	T	2871.9	LowQual	AF=0.079;DP=412;gnomAD_AF=0.0808

### h20-007
Here is BLAST outfmt 6 for three assembled contigs against 16S refs. Which hits would you keep if I require ≥ 97% identity over ≥ 90% of the query length (contigs are 1,543 / 1,498 / 1,502 bp)?

contig_0412	NR_024570.1	99.87	1543	2	0	1	1543	1	1543	0.0	2843
contig_0412	NR_114042.1	98.44	1541	24	0	1	1541	18	1558	0.0	2717
contig_0977	NR_117285.1	97.13	1498	43	0	1	1498	7	1504	0.0	2580
contig_0977	NR_041709.1	95.02	1487	72	2	12	1498	1	1485	0.0	2375
contig_1308	NR_026078.1	92.60	1351	98	2	150	1500	66	1415	3e-178	619
contig_1308	NR_036887.2	89.91	1020	103	0	481	1500	412	1431	1e-152	536

Database: 16S_ribosomal_RNA (v2024-05-14), 27,163 sequences; BLASTN 2.15.0+, word_size 28, evalue 1e-10.

### h20-008
My efetch loop gets HTTP 429 after about ten requests even though I set an API key. Here's the notebook cell and its output — what am I doing wrong?

In [3]:
from Bio import Entrez, SeqIO
import time

Entrez.email = "[[EMAIL|l.okafor-amr@kilnworth-genomics.org]]"
Entrez.api_key = "[[SECRET|@@hex:ncbi008:36@@]]"

handle = Entrez.esearch(db="nucleotide", term="Klebsiella pneumoniae[Organism] AND blaKPC[Gene]", retmax=500)
res = Entrez.read(handle)
print(res["Count"], res["IdList"][:4])
for uid in res["IdList"]:
    rec = SeqIO.read(Entrez.efetch(db="nucleotide", id=uid, rettype="gb", retmode="text"), "genbank")
    time.sleep(0.05)

Out[3]:
4127 ['2734098811', '2734098790', '2734098788', '2731150462']
HTTPError: HTTP Error 429: Too Many Requests

### h20-009
Summarise this registry record in five bullet points for our journal club slides.

ClinicalTrials.gov ID: NCT05123482
Other IDs: I8F-MC-GPHK (sponsor protocol); EudraCT 2021-003498-27
Study type: Interventional, Phase 3, randomised, double-blind, placebo-controlled
Enrollment: 1,240 participants (actual)
Arms: once-weekly 5 mg / 10 mg / 15 mg vs placebo, 1:1:1:1
Primary outcome: change from baseline in HbA1c (%) at week 52
Key secondary outcomes: body-weight change (%), proportion reaching HbA1c < 7.0% (53 mmol/mol), fasting serum glucose (mg/dL)
Study start: 2022-01-18 · Primary completion: 2024-06-30 · Last update posted: 2024-11-07
Sites: 143 in 12 countries
Results first posted: 2025-01-22 — HbA1c change −2.01, −2.24, −2.30 vs −0.86 percentage points (all p < 0.001)

### h20-010
Peux-tu traduire ce résumé de résultats en anglais pour le rapport au comité de pilotage ?

Essai EU CT n° 2023-504117-21-00 (NCT05871203), phase III, 612 patients randomisés (2:1) dans 38 centres.
Critère principal : survie sans progression (SSP) médiane de 11,2 mois (IC à 95 % : 9,4–13,1) dans le bras expérimental contre 7,9 mois (IC à 95 % : 6,6–9,0) dans le bras contrôle ; HR 0,71 (IC à 95 % : 0,58–0,86) ; p = 0,0004.
Survie globale (analyse intermédiaire, 41 % de maturité) : HR 0,84 (0,65–1,09) ; p = 0,19.
Taux de réponse objective : 47,3 % contre 31,9 % (différence 15,4 points ; IC à 95 % : 7,1–23,6).
Événements indésirables de grade ≥ 3 : 38,6 % contre 29,4 %. Arrêts pour toxicité : 9,1 % contre 4,4 %.
Date de gel de la base : 15/03/2025. Version du plan d'analyse statistique : 3.0 du 09/12/2024.

### h20-011
¿Puedes comprobar si el peso de cada estudio suma 100 % y si el RR combinado es coherente con la tabla?

Estudio     Registro        n        Eventos (I/C)   RR (IC 95 %)          Peso
ALPHA-2     NCT03412877     1 204    61/84           0,72 (0,53–0,99)      24,1 %
BETA-HF     NCT02884206       846    48/55           0,87 (0,60–1,26)      17,8 %
CORONA-S    ISRCTN71532054    612    30/41           0,73 (0,47–1,14)      12,2 %
DELTA       NCT04021953     2 031    119/131         0,91 (0,72–1,15)      31,4 %
EPSILON     ChiCTR2000029417  398    17/26           0,65 (0,36–1,18)       6,9 %
ZETA        jRCT2031210087    455    22/29           0,76 (0,45–1,29)       7,6 %
Total (efectos aleatorios)  5 546                    0,82 (0,71–0,94)     100,0 %

Heterogeneidad: τ² = 0,004; Q = 7,25 (gl = 5), p = 0,20; I² = 31 %. Protocolo PROSPERO CRD42023418845.

### h20-012
Kannst du meinen Lebenslauf für den DFG-Antrag auf zwei Seiten kürzen? Die Angaben oben müssen laut Merkblatt drinbleiben.

Lebenslauf
Dr. rer. nat. Johanna Keßler
geboren am [[DATE_OF_BIRTH|14.09.1986]] in Kassel, deutsche Staatsangehörigkeit
E-Mail: [[EMAIL|johanna.kessler@geo.uni-lahnfeld.de]]

Wissenschaftlicher Werdegang
2006–2012  Studium der Geoökologie, Universität Bayreuth (Diplom, Note 1,3)
2012–2016  Promotion, Max-Planck-Institut für Biogeochemie, Jena (summa cum laude)
2016–2019  Postdoc, ETH Zürich, Gruppe Bodenphysik
seit 2019  Nachwuchsgruppenleiterin (Emmy Noether, Förderkennzeichen KE 1187/2-1)

Kennzahlen: 31 begutachtete Publikationen, h-Index 17, eingeworbene Drittmittel 1,94 Mio. €, 4 abgeschlossene Promotionen.

### h20-013
Turn this into a short paragraph for the quarterly newsletter — plain English, no tables.

(in USD millions, except per-share data)   Q3 FY24    Q3 FY23    Change
Revenue                                     4,812.6    4,391.0     +9.6%
  Subscription                              3,604.1    3,177.8    +13.4%
  Services                                  1,208.5    1,213.2     -0.4%
Gross margin                                  61.3%      59.8%   +150 bps
Operating income                            1,104.2      962.7    +14.7%
Net income                                    953.8      827.4    +15.3%
Diluted EPS                                   $2.31      $1.97    +17.3%
Weighted avg. diluted shares (m)              412.8      419.9
Free cash flow                                877.4      701.9    +25.0%
Remaining performance obligations          14,220.0   12,415.0    +14.5%

FY24 guidance raised: revenue $18.95–19.10 billion (from $18.70–18.90 billion); non-GAAP operating margin 27.5%.

### h20-014
Please format these bond holdings as a Markdown table sorted by maturity and flag any ISIN whose country prefix doesn't match the issuer's country.

Issuer: Caldermoor Utilities plc | 4.125% senior notes due 2031 | ISIN @@isin:b1:XS@@ | LEI @@lei:l1@@ | nominal EUR 12,000,000 | price 98.42 | YTM 4.39%
Issuer: Brightwater Rail Corp | 5.30% notes due 2029 | CUSIP @@cusip:c2@@ | ISIN @@uscusipisin:b2@@ | LEI @@lei:l2@@ | nominal USD 8,500,000 | price 101.07 | YTM 5.04%
Issuer: Vesterhavn Energi A/S | 3.75% green bond due 2033 | ISIN @@isin:b3:DK@@ | LEI @@lei:l3@@ | nominal EUR 5,000,000 | price 96.15 | YTM 4.28%
Issuer: Société des Eaux de Lorvanne | 2.875% due 2027 | ISIN @@isin:b4:FR@@ | LEI @@lei:l4@@ | nominal EUR 15,000,000 | price 97.88 | YTM 3.81%

Portfolio duration 4.62, average rating A-, accrued interest EUR 411,318.40 as of 30/09/2024.

### h20-015
Fasse bitte die Übersicht unserer Bankverbindungen für den Finanzausschuss in drei Sätzen zusammen.

Hausbanken (Stand 30.06.2024)
1. Commerzbank AG, BIC COBADEFFXXX – Kontokorrentlinie 5,0 Mio. €, Zins €STR + 1,15 %, Avalrahmen 2,5 Mio. €
2. Deutsche Bank AG, BIC DEUTDEFFXXX – Tagesgeld, Festgeld (Laufzeiten 3/6/12 Monate, 3,05 % / 3,10 % / 2,95 % p. a.)
3. UniCredit Bank GmbH, BIC HYVEDEMMXXX – Investitionsdarlehen 12,0 Mio. €, Restschuld 8.412.500,00 €, Tilgung 375.000,00 € je Quartal
4. Bayerische Landesbank, BIC BYLADEMMXXX – Schuldschein 2023/2028, Volumen 20 Mio. €, Kupon 4,62 %

Kontenklassen im Cash-Pool: operative Konten, Lohnkonten, Steuerkonten, Treuhandkonten. Liquiditätsreserve Ziel: 1,5 Monatsumsätze (ca. 18,7 Mio. €).

### h20-016
Can you shorten the boilerplate at the end of our earnings release? Legal says the contact block must stay as is.

Conference call and webcast
Management will host a conference call at 8:30 a.m. ET on Thursday, October 24, 2024. A live webcast and the slide presentation will be available under "Events" on the company's investor website; a replay will be posted approximately two hours after the call and archived for 90 days.

Non-GAAP measures
Adjusted EBITDA (Q3: $1,388.6 million; margin 28.9%) and free cash flow are reconciled to the most directly comparable GAAP measures in Tables 4 through 7.

Investor Relations contact
Priya Raman, Vice President, Investor Relations
[[EMAIL|ir@halvorsen-systems.com]] | [[PHONE|@@phone:p016:US:f:intl@@]]

Forward-looking statements: this release contains statements within the meaning of Section 27A of the Securities Act of 1933 and Section 21E of the Securities Exchange Act of 1934...

### h20-017
Which of these AP lines are missing a PO match? Our rule is: every line over 5,000 needs a PO.

Date        Doc no.      Vendor                PO             Invoice         GL    Cost ctr  Debit        Credit
2024-07-02  AP-0041187   Kestrel Supply Co.    PO-2024-3381   INV-88213       5010  CC-410    12,480.00
2024-07-02  AP-0041188   Northline Freight     —              NF-24-07-0193   5420  CC-410     6,215.50
2024-07-03  AP-0041191   Orbis Lab Systems     PO-2024-3402   OLS/2024/11873  1530  CC-220    48,900.00
2024-07-05  AP-0041202   Tallis Office Ltd     —              TO-557102       6100  CC-100     1,932.18
2024-07-08  AP-0041215   Kestrel Supply Co.    PO-2024-3381   INV-88297       5010  CC-410     9,760.00
2024-07-09  AP-0041220   Meridian Utilities    —              MU-2024-0709-4  6300  CC-100     7,104.66
2024-07-09  AP-0041221   Kestrel Supply Co.    —              CN-88213                                     1,248.00
Period total                                                                                  86,392.34    1,248.00

### h20-018
Peux-tu m'aider à rédiger une relance pour les factures de plus de 60 jours ? Voici la balance âgée fournisseurs au 31/08/2024.

Fournisseur                 SIRET              N° facture      Date         Échéance     Montant TTC   0–30 j    31–60 j    61–90 j   > 90 j
Papeterie Delorme SARL      @@siret:s1@@     FA-2024-0917    12/06/2024   12/07/2024     1 842,60                            1 842,60
Transports Gaubert          @@siret:s2@@     TG24-04412      03/07/2024   02/08/2024     6 310,00              6 310,00
Maintenance Ouest Élec      @@siret:s3@@     MOE-118735      28/04/2024   28/05/2024    12 474,96                                      12 474,96
Total                                                                                  20 627,56        0,00   6 310,00   1 842,60  12 474,96

TVA déductible correspondante : 3 437,93 €. Compte collectif 401000, comptes auxiliaires 401DEL, 401GAU, 401MOE.

### h20-019
Pode revisar esses lançamentos e me dizer se o CFOP está correto para venda dentro do estado?

Empresa: Cerâmica Vale do Itajubá Ltda — CNPJ @@cnpj:c019@@
Data        Lançamento  Conta débito                Conta crédito               Valor (R$)     Histórico
05/08/2024  000412      1.1.2.01 Clientes           3.1.1.01 Receita vendas     48.320,00      NF-e 18.744 CFOP 5102
05/08/2024  000413      3.2.1.02 ICMS s/ vendas     2.1.3.01 ICMS a recolher     8.697,60      18% s/ NF-e 18.744
06/08/2024  000418      1.1.3.04 Estoque MP         2.1.1.01 Fornecedores       12.915,40      NF-e 90.112 CFOP 1101, NCM 2508.40.10
07/08/2024  000421      1.1.1.02 Bancos c/ mov.     1.1.2.01 Clientes           31.000,00      Boleto 0004127-7 (parcial)

Chave de acesso da NF-e 18.744: 4224 0812 3456 7800 0195 5500 1000 0187 4410 0018 7447

### h20-020
We're reconciling August. Can you tell me which bank lines still have no matching AR document? Export from the ERP below.

Bank line  Value date  Amount (EUR)  Bank reference           Matched doc   Note
BL-88201   2024-08-01     4,210.00   SEPA CT 24080100412     AR-2024-7711  invoice 2024-7711 paid in full
BL-88202   2024-08-01      -312.40   SEPA DD FEES JUL        GL-6830       bank charges
BL-88207   2024-08-02    12,900.00   SEPA CT 24080200987     —             partial payment, customer ref PO 4500187733
BL-88213   2024-08-05      -845.00   SEPA CT OUT             CR-2024-0412  credit note refund to customer, paid to [[IBAN|@@iban:i020:NL:spaced@@]] as per their e-mail
BL-88219   2024-08-06     7,315.55   SEPA CT 24080600131     AR-2024-7730  —
BL-88224   2024-08-07       -19.99   CARD FEE                —             —

### h20-021
Please convert this BOM to CSV and add a column "critical" = yes for anything with a tolerance tighter than ±0.02 mm.

Assembly FH-220-0000 Rev C — Spindle module (applies to serial numbers 2231-00417 through 2231-00988)
Item  Part number           Description                              Qty  Material / spec           Tolerance
10    FH-220-0417-A         Shaft, Ø12 h6, L=184                     1    17-4PH H1025              Ø +0/-0.011 mm
20    6204-2RS              Deep groove ball bearing 20x47x14         2    ABEC-5                    —
30    FH-220-0421-B         Bearing housing                          1    EN AW-6082 T6             bore Ø47 H7 (+0.025/0)
40    ISO 4762 M6x20        Socket head cap screw                    8    12.9, zinc flake          —
50    FH-220-0433-A         Spacer ring                              2    1.4305                    ±0.05 mm
60    DIN 471 20x1.2        Retaining ring                           1    spring steel              —
70    FH-220-0450-C         Encoder disc, 2048 CPR                   1    glass                     runout ≤ 0.01 mm
Torque: item 40 to 15.5 N·m ± 10 %. Balance grade G2.5 at 12,000 min⁻¹.

### h20-022
Can you rewrite this spec excerpt as a checklist for incoming inspection?

Specification ES-0912 Rev F — Hydraulic manifold block, drawing no. 412-07-3315
1. Material: EN-GJS-400-15, hardness 140–200 HB (EN ISO 6506-1, 10/3000).
2. Ports P, T, A, B: ISO 6149-1 M22x1.5, spot face Ø34, perpendicularity 0.05 to datum A.
3. Cross-drilled galleries: Ø10 ± 0.1, deburred, no sharp edges > 0.2 mm.
4. Proof pressure 525 bar for 60 s, no leakage; burst ≥ 1,050 bar on 1 sample per lot of 250.
5. Cleanliness ISO 4406 code 17/15/12 or better, gravimetric ≤ 3.5 mg per part.
6. Surface: Ra ≤ 0.8 µm on sealing faces, Ra ≤ 3.2 µm elsewhere.
7. NSN for the spares kit: 4730-01-627-4419. Lot traceability: heat no. + lot no. (format 24-0412-07).

### h20-023
Bitte formuliere aus diesem Kalibrierschein eine kurze Freigabenotiz für die Qualitätssicherung.

Kalibrierschein Nr. 24-K-04417, Kalibrierlaboratorium D-K-15183-01-00
Gegenstand: Bügelmessschraube 25–50 mm, Hersteller-Nr. 293-241-30, Seriennummer 84120677, Prüfmittel-Nr. PM-0912
Kalibrierdatum: 11.06.2024 · Umgebung: 20,0 °C ± 0,5 K, 45 % r. F.

Nennmaß (mm)   Istwert (mm)   Abweichung (µm)   Erw. Messunsicherheit U (k = 2) (µm)
25,000         25,0008         +0,8              1,2
30,120         30,1205         +0,5              1,2
35,250         35,2496         −0,4              1,3
41,300         41,3011         +1,1              1,3
50,000         50,0014         +1,4              1,4

Ebenheit Messflächen ≤ 0,3 µm, Parallelität ≤ 1,0 µm. Nächste Kalibrierung: 06/2025.

### h20-024
Turn this maintenance log into a short handover note for the night shift.

Line 3 — Press P-07 (Schuler MSD 400, serial 2231-00512)
2024-09-17 06:40  Hydraulic oil temp alarm 62 °C (limit 60 °C), cooler fan F2 tripped. Reset, running.
2024-09-17 09:15  WO-77120 opened: replace cooler fan motor F2 (part 1FK7-063-5AF71). Spare from stores bin B-14-03.
2024-09-17 13:05  Fan replaced, insulation test 550 MΩ at 500 V. Oil temp stable at 47 °C after 45 min at 28 spm.
2024-09-17 13:20  Vibration check on main drive: 2.8 mm/s RMS (limit 4.5). OK.
Open: slide parallelism 0.06 mm over 2,400 mm (limit 0.05) — service tech from the OEM is booked for Thursday.
If the temperature alarm comes back, call the on-call technician, Ruben, on [[PHONE|@@phone:p024:US:m:national@@]] before restarting.

### h20-025
Why does `npm ci` fail with EINTEGRITY on one package after I regenerated the lock file? Relevant part of package-lock.json:

    "node_modules/lodash": {
      "version": "4.17.21",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",
      "integrity": "sha512-@@b64:int025a:64@@",
      "license": "MIT"
    },
    "node_modules/@babel/core": {
      "version": "7.25.2",
      "resolved": "https://registry.npmjs.org/@babel/core/-/core-7.25.2.tgz",
      "integrity": "sha512-@@b64:int025b:64@@",
      "dev": true,
      "dependencies": {
        "@ampproject/remapping": "^2.2.0",
        "@babel/code-frame": "^7.24.7",
        "@babel/generator": "^7.25.0"
      }
    },

npm ERR! code EINTEGRITY
npm ERR! sha512-@@b64:int025b:64@@ integrity checksum failed when using sha512: wanted sha512-@@b64:int025b:64@@ but got sha512-@@b64:int025c:64@@. (512344 bytes)

### h20-026
Our CI got 40% slower this week. Anything obvious in this log excerpt?

#4417 [build 3/11] RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.lock
#4417 [build 3/11] DONE 214.6s
#4418 [build 4/11] COPY . /app
#4418 sha256:@@hex:layer026a:64@@ 48.21MB / 48.21MB 3.9s
#4419 [build 5/11] RUN python -m compileall -q /app
#4419 DONE 11.2s
Restoring cache: key=pip-linux-py3.12-@@hex:cache026:40@@ ... cache miss
Saving cache: 1,204,338,771 bytes (1.12 GB) in 97.4s
Product version 2.4.0.118 (build 20240917.3), commit @@hex:sha026:40@@
pytest: 1,284 passed, 3 skipped, 2 xfailed in 412.87s (0:06:52)
Job duration: 18m 41s (previous median 13m 02s)

### h20-027
Is this Cargo output telling me the build is using two versions of `syn`? How do I dedupe?

   Compiling proc-macro2 v1.0.86
   Compiling unicode-ident v1.0.12
   Compiling syn v1.0.109
   Compiling syn v2.0.72
   Compiling serde_derive v1.0.204
   Compiling tokio v1.39.2
   Compiling ledgerd v0.14.3 (/home/build/ledgerd)
    Finished `release` profile [optimized] target(s) in 1m 42s

Cargo.lock (the syn 2 entry):
name = "syn"
version = "2.0.72"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "@@hex:ck027a:64@@"

$ cargo tree -d | head -3
syn v1.0.109
└── derive_builder_core v0.9.0

### h20-028
The migration step started failing on staging last night. Here's the job log — what does "relation already exists" mean here and how do I make the migration idempotent?

2024-09-18T02:11:04.218Z ##[group]Run alembic upgrade head
2024-09-18T02:11:04.219Z alembic upgrade head
2024-09-18T02:11:04.231Z shell: /usr/bin/bash -e {0}
2024-09-18T02:11:04.231Z env:
2024-09-18T02:11:04.231Z   PYTHON_VERSION: 3.12.5
2024-09-18T02:11:04.232Z   DATABASE_URL: [[URL_CREDENTIALS|postgresql+psycopg://ledger_migrator:Vq7r2Lk9wTzp4Mnc@pg-staging.ledger.internal:5432/ledger]]
2024-09-18T02:11:04.232Z ##[endgroup]
2024-09-18T02:11:06.904Z INFO  [alembic.runtime.migration] Running upgrade 3f9a1c2e7b04 -> 8d21e0f4a6c3, add invoice_lines.tax_code
2024-09-18T02:11:07.112Z sqlalchemy.exc.ProgrammingError: (psycopg.errors.DuplicateTable) relation "ix_invoice_lines_tax_code" already exists
2024-09-18T02:11:07.140Z ##[error]Process completed with exit code 1.

### h20-029
Can you double-check the arithmetic on this draft 1040 (2024, married filing jointly)? I only care about the totals.

Line 1a  Wages (W-2 box 1, both spouses)          148,312
Line 2b  Taxable interest                             1,412
Line 3b  Ordinary dividends                           2,208
Line 7   Capital gain (Schedule D)                    3,950
Line 8   Additional income (Schedule 1, line 10)        640
Line 9   Total income                               156,522
Line 10  Adjustments (Schedule 1, line 26)            4,000
Line 11  Adjusted gross income                      152,522
Line 12  Standard deduction (MFJ)                    29,200
Line 15  Taxable income                             123,322
Line 16  Tax                                         17,727
Line 19  Child tax credit (2 × 2,000)                 4,000
Line 24  Total tax                                   13,727
Line 25a Federal withholding (W-2)                   15,480
Line 34  Overpaid / refund                            1,753

### h20-030
Stimmt meine Berechnung der Entfernungspauschale und der Werbungskosten für die Anlage N 2024?

Zeile 6   Bruttoarbeitslohn                         52.480 €
Zeile 31  Arbeitstage (Fahrten zur ersten Tätigkeitsstätte)  206
Zeile 32  einfache Entfernung                       38 km
          Entfernungspauschale: 20 km × 0,30 € × 206 = 1.236,00 €; 18 km × 0,38 € × 206 = 1.409,04 € → 2.645,04 €
Zeile 45  Homeoffice-Tagespauschale: 14 Tage × 6 € = 84 €
Zeile 46  Arbeitsmittel (Laptop, Nutzungsdauer 1 Jahr)  1.149,00 €
Zeile 51  Fortbildungskosten                          690,00 €
Summe Werbungskosten: 4.568,04 € (Arbeitnehmer-Pauschbetrag 1.230 € wird überschritten um 3.338,04 €)
Grenzsteuersatz laut Rechner ca. 33,8 %, voraussichtliche Erstattung ca. 1.128 €.

### h20-031
Explain in plain language how the child tax credit phase-out works, using these excerpts.

26 U.S.C. § 24(a): credit of $2,000 per qualifying child (as modified by § 24(h)(2) for 2018–2025).
26 U.S.C. § 24(b)(2), (h)(3): threshold amount $400,000 (joint return) / $200,000 (other); reduction $50 for each $1,000 (or fraction) of modified AGI above the threshold.
26 U.S.C. § 24(h)(5)-(6): refundable portion limited to $1,700 per child for 2024 (Rev. Proc. 2023-34, § 3.06).
Form 8812 (2024), Part II-A, lines 16a–27; Pub. 972 superseded; see Pub. 17 (2024), ch. 14.

2024 brackets (MFJ):  10% $0–23,200 | 12% $23,201–94,300 | 22% $94,301–201,050 | 24% $201,051–383,900 | 32% $383,901–487,450 | 35% $487,451–731,200 | 37% over $731,200

### h20-032
I'm filling in the dependent-care FSA reconciliation worksheet for our accountant. Does Part III look right?

Form 2441 worksheet (2024) — prepared from client organiser
Taxpayer SSN: [[US_SSN|@@ssn:s032a@@]]     Spouse SSN: [[US_SSN|@@ssn:s032b@@]]
Part III — Dependent care benefits
Line 12  Amount received from employer (W-2 box 10)          5,000
Line 13  Carried over from 2023 grace period                     0
Line 15  Total                                               5,000
Line 16  Qualified expenses incurred in 2024                 11,240
Line 18  Earned income — taxpayer                            92,110
Line 19  Earned income — spouse                              56,202
Line 21  Smaller of lines 15, 16, 18, 19 or 5,000            5,000
Line 26  Excluded benefits                                   5,000
Line 27  Taxable benefits                                        0
Provider: Little Acorns Early Learning, EIN on file. 2 qualifying children (ages 3 and 6).

### h20-033
Is this uplink dropping frames? The CRC count went from 0 to 12 since Monday.

GigabitEthernet1/0/24 is up, line protocol is up (connected)
  Hardware is Gigabit Ethernet, address is 00a3.d1f4.2c18 (bia 00a3.d1f4.2c18)
  Description: uplink to core-2 Te1/1/3
  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,
     reliability 255/255, txload 47/255, rxload 62/255
  Full-duplex, 1000Mb/s, media type is 10/100/1000BaseTX
  Last clearing of "show interface" counters 6d04h
  5 minute input rate 243871000 bits/sec, 29842 packets/sec
  5 minute output rate 183442000 bits/sec, 21984 packets/sec
     1843922712 packets input, 1729483310482 bytes, 0 no buffer
     Received 2818811 broadcasts (2311093 multicasts)
     0 runts, 0 giants, 0 throttles
     12 input errors, 12 CRC, 0 frame, 0 overrun, 0 ignored
     0 watchdog, 2311093 multicast, 0 pause input
     1518833904 packets output, 1204337781915 bytes, 0 underruns
     0 output errors, 0 collisions, 2 interface resets

### h20-034
Why does our upstream prefer the path via AS 1299 for these prefixes? Extract from the route collector (RIS, rrc00), best paths only:

Prefix               Origin AS   AS path                         Communities               Age
185.199.108.0/22     36459       3356 2914 36459                 3356:2 3356:22 3356:575   14d02h
151.101.0.0/16       54113       1299 54113                      1299:30000                31d11h
104.16.0.0/13        13335       13335                           13335:10014 13335:20050   58d07h
2a04:4e42::/32       54113       6939 54113                      6939:7500                 9d19h
2606:4700::/32       13335       13335                           —                         58d07h
45.60.0.0/16         19551       174 19551                       174:21000 174:22013       3d05h

Our side: AS 64512 (private) behind AS 65010 → upstream AS 3320, local-pref 200 for customer routes, 100 for peers, 80 for transit; MED 0.

### h20-035
Please check this VLAN / subnet plan for overlaps and tell me how many addresses are left in 10.40.0.0/16.

VLAN  Name        Prefix            Netmask           Wildcard      Usable hosts  DHCP scope
10    mgmt        10.40.10.0/24     255.255.255.0     0.0.0.255     254           none (static)
20    voice       10.40.20.0/23     255.255.254.0     0.0.1.255     510           .20.50–.21.250
30    users       10.40.32.0/21     255.255.248.0     0.0.7.255     2046          .32.100–.39.200
40    printers    10.40.22.0/25     255.255.255.128   0.0.0.127     126           none
50    iot         10.40.64.0/20     255.255.240.0     0.0.15.255    4094          .64.10–.79.240
60    guest       172.31.200.0/22   255.255.252.0     0.0.3.255     1022          full range
99    native      —                 —                 —             —             —
Gateway convention: first usable address of each prefix; HSRP group = VLAN id.

### h20-036
Can you review this access-switch config before I push it? Mostly worried about the trunk and the SNMP part.

hostname acc-b2-03
vlan 10
 name mgmt
vlan 30
 name users
interface Vlan10
 ip address [[IP_ADDRESS|10.40.10.23]] 255.255.255.0
ip default-gateway [[IP_ADDRESS|10.40.10.1]]
interface range GigabitEthernet1/0/1 - 46
 switchport mode access
 switchport access vlan 30
 spanning-tree portfast
interface GigabitEthernet1/0/48
 switchport mode trunk
 switchport trunk allowed vlan 10,20,30,40
snmp-server community [[SECRET|Kx7pR2vLq9Ms]] RO 10
access-list 10 permit 10.40.10.0 0.0.0.255
ntp server ntp1.corp.internal

### h20-037
Convert these SNMP counters to Mbit/s — the walk was taken 300 seconds apart.

First walk (sysUpTime 1483920311):
IF-MIB::ifName.10101 = STRING: Gi1/0/1
IF-MIB::ifHCInOctets.10101 = Counter64: 918237719823
IF-MIB::ifHCOutOctets.10101 = Counter64: 402118873310
.1.3.6.1.2.1.31.1.1.1.6.10148 = Counter64: 1729483310482
.1.3.6.1.2.1.31.1.1.1.10.10148 = Counter64: 1204337781915
Second walk (sysUpTime 1483950311):
IF-MIB::ifHCInOctets.10101 = Counter64: 918694102734
IF-MIB::ifHCOutOctets.10101 = Counter64: 402301227906
.1.3.6.1.2.1.31.1.1.1.6.10148 = Counter64: 1738632104117
.1.3.6.1.2.1.31.1.1.1.10.10148 = Counter64: 1211218541090
ENTITY-MIB::entPhysicalSerialNum.1000 = STRING: FOC2231X0KQ

### h20-038
terraform plan shows a change on every run for this route. Why?

resource "aws_route" "to_onprem" {
  route_table_id         = aws_route_table.private_a.id
  destination_cidr_block = "10.96.0.0/12"
  transit_gateway_id     = "tgw-0b7e4c1f9a2d35e88"
}

resource "aws_ec2_transit_gateway" "core" {
  amazon_side_asn                 = 64512
  default_route_table_association = "disable"
}

resource "aws_customer_gateway" "dc1" {
  bgp_asn    = 65010
  ip_address = aws_eip.dc1_anchor.public_ip
  type       = "ipsec.1"
}

  # aws_route.to_onprem must be replaced
-/+ resource "aws_route" "to_onprem" {
      ~ destination_cidr_block = "10.96.0.0/12" -> "10.96.0.0/12"
      ~ id                     = "r-rtb-04f1c9e7a2b8d31651080289494" -> (known after apply)
    }
Plan: 1 to add, 0 to change, 1 to destroy.

### h20-039
¿Me ayudas a revisar este plan de direccionamiento IPv6? Quiero saber si el reparto de /56 por sede tiene sentido.

Prefijo asignado por el RIR: 2a0e:b107:3c00::/40
Sede        Prefijo                    VLAN   Subred /64 de ejemplo           Uso
Madrid      2a0e:b107:3c00::/56        110    2a0e:b107:3c00:110::/64         usuarios
Madrid      2a0e:b107:3c00::/56        120    2a0e:b107:3c00:120::/64         voz
Sevilla     2a0e:b107:3c01::/56        110    2a0e:b107:3c01:110::/64         usuarios
Bilbao      2a0e:b107:3c02::/56        110    2a0e:b107:3c02:110::/64         usuarios
Núcleo      2a0e:b107:3cff::/56        —      2a0e:b107:3cff:ff00::/64        enlaces /127
ULA interna: fd7c:41e2:9a00::/48 (no se anuncia)
Quedan libres 253 bloques /56 del /40. ¿Conviene reservar un /48 entero por sede?

### h20-040
After I added the password line the session stays in Active. FRR config on our edge router:

frr version 9.1
hostname edge-dc1
router bgp 65010
 no bgp ebgp-requires-policy
 neighbor TRANSIT peer-group
 neighbor TRANSIT remote-as 64512
 neighbor TRANSIT password [[SECRET|pT4-wq9Lz!m2Hs]]
 neighbor TRANSIT timers 10 30
 neighbor [[IP_ADDRESS|172.20.0.2]] peer-group TRANSIT
 address-family ipv4 unicast
  network 10.96.0.0/12
  neighbor TRANSIT route-map RM-OUT out
 exit-address-family
route-map RM-OUT permit 10
 match ip address prefix-list PL-ONPREM
ip prefix-list PL-ONPREM seq 5 permit 10.96.0.0/12

`show bgp summary`: neighbor state Active, MsgRcvd 0, MsgSent 0, Up/Down never.

### h20-041
What does this transaction actually do? I copied it from the block explorer.

Transaction Hash:  0x@@hex:tx041:64@@
Status:            Success
Block:             19874221 (412,877 Block Confirmations)
Timestamp:         May-15-2024 09:41:23 AM +UTC
From:              0x@@hex:from041:40@@
Interacted With (To): 0xdac17f958d2ee523a2206206994597c13d831ec7 (Tether: USDT Stablecoin)
ERC-20 Tokens Transferred: From 0x@@hex:from041:40@@ To 0x@@hex:to041:40@@ For 2,500 USDT
Value:             0 ETH ($0.00)
Transaction Fee:   0.000387451208127 ETH ($1.13)
Gas Price:         8.403122115 Gwei (0.000000008403122115 ETH)
Gas Limit & Usage: 63,209 | 46,109 (72.95%)
Nonce:             1187    Position In Block: 148
Input Data:        0xa9059cbb000000000000000000000000@@hex:to041:40@@000000000000000000000000000000000000000000000000000000009502f900

### h20-042
Can you compute the fee rate of this Bitcoin transaction in sat/vB? The explorer shows vsize 209.

txid: @@hex:tx042:64@@
block height 846112, confirmations 12,904, time 2024-06-02 14:07:51 UTC
inputs:
  bc1q@@bech:in042a:38@@   0.04180000 BTC
  bc1q@@bech:in042b:38@@   0.00731220 BTC
outputs:
  bc1q@@bech:out042a:38@@  0.03500000 BTC
  bc1q@@bech:out042b:38@@  0.01408907 BTC (change)
total in 0.04911220 BTC, total out 0.04908907 BTC
weight 834 WU, version 2, locktime 846111

### h20-043
Please turn these audit notes into a findings table (ID, severity, contract, description).

Scope: commit @@hex:sha043:40@@ of the vault repo; deployed on Ethereum mainnet at block 18,212,004.
  Vault.sol            0x@@hex:vault043:40@@
  VaultFactory.sol     0x@@hex:fact043:40@@
  Oracle adapter       0x@@hex:orac043:40@@ (Chainlink ETH/USD feed 0x5f4ec3df9cbd43714fe2740f5e3616155c5b8419)
H-01 (High): withdraw(uint256) (selector 0x2e1a7d4d) updates balances after the external call; reentrancy through the ERC-777 hook.
M-01 (Medium): storage slot 0x@@hex:slot043:64@@ (EIP-1967 implementation slot) can be written by the factory owner without timelock.
M-02 (Medium): Oracle answers older than 3,600 s are accepted; heartbeat is 3,600 s but deviation threshold 0.5%.
L-01 (Low): event Deposit topic0 0x@@hex:topic043:64@@ lacks the indexed receiver.
Gas: 21,304 gas saved per deposit by caching totalAssets().

### h20-044
`npx hardhat run scripts/deploy.ts --network sepolia` fails with "insufficient funds" although the faucet says the account has 0.5 ETH. Config:

import { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

// deployer: 0x@@hex:dep044:40@@
const config: HardhatUserConfig = {
  solidity: { version: "0.8.24", settings: { optimizer: { enabled: true, runs: 200 } } },
  networks: {
    sepolia: {
      url: "https://eth-sepolia.g.alchemy.com/v2/[[SECRET|@@urlsafe:alch044:32@@]]",
      accounts: ["[[SECRET|0x@@hex:pk044:64@@]]"],
      chainId: 11155111,
    },
  },
  etherscan: { apiKey: "[[SECRET|@@upalnum:es044:34@@]]" },
};
export default config;

### h20-045
Find the gaps longer than 5 minutes in this sensor export and tell me which device had the most.

ts_ms,device,temp_c,rh_pct,co2_ppm,pm25_ugm3,batt_mv
1718002800000,env-07,21.4,43.1,612,4.2,3012
1718003100000,env-07,21.6,42.8,640,4.0,3011
1718003400000,env-07,21.9,42.2,701,3.8,3011
1718004300000,env-07,22.3,41.0,812,3.9,3009
1718002800000,env-11,19.8,51.5,455,6.1,2874
1718003100000,env-11,19.8,51.7,451,6.3,2873
1718004000000,env-11,20.1,52.0,498,6.0,2870
1718004300000,env-11,20.2,52.4,503,5.8,2869
1718002800000,env-12,23.0,38.9,1020,2.1,3190
1718004300000,env-12,23.4,38.1,1098,2.2,3188

### h20-046
このテレメトリから、プレス07の油温が60 °Cを超えた時間帯を抜き出してください。タイムスタンプはUNIXミリ秒です。

topic: factory/line3/press07/telemetry
{"ts":1726531200000,"seq":884120,"oil_temp_c":57.8,"pressure_bar":212.4,"spm":28,"stroke_count":40418822}
{"ts":1726531260000,"seq":884121,"oil_temp_c":59.6,"pressure_bar":213.0,"spm":28,"stroke_count":40418850}
{"ts":1726531320000,"seq":884122,"oil_temp_c":60.9,"pressure_bar":214.1,"spm":28,"stroke_count":40418878}
{"ts":1726531380000,"seq":884123,"oil_temp_c":62.0,"pressure_bar":214.7,"spm":27,"stroke_count":40418905}
{"ts":1726531440000,"seq":884124,"oil_temp_c":58.3,"pressure_bar":211.9,"spm":28,"stroke_count":40418933}
ゲートウェイ: gw-line3-02（ファームウェア 4.12.0.7）、サンプリング周期 60 秒、欠測率 0.4 %。

### h20-047
Pode explicar por que a corrente da fase B está mais alta? Medições da subestação SE-JPA-02, alimentador AL-04, em 17/09/2024:

Hora      Va (kV)   Vb (kV)   Vc (kV)   Ia (A)   Ib (A)   Ic (A)   P (MW)   Q (Mvar)   FP     f (Hz)
14:00     79,61     79,48     79,70     412,3    468,9    405,1    95,82    31,44      0,950  59,98
14:15     79,58     79,41     79,66     418,0    481,2    409,7    97,15    32,90      0,947  59,99
14:30     79,55     79,37     79,63     421,4    490,6    411,2    98,03    33,71      0,946  60,01
14:45     79,60     79,45     79,68     415,9    472,3    407,0    96,40    32,02      0,949  60,00
Desequilíbrio de corrente (NEMA): 9,8 % às 14:30. Tag SCADA: SE-JPA-02.AL-04.IB, registrador 40417.
Transformador TR-2: 138/13,8 kV, 41,7 MVA, tap 9 de 17, temperatura do óleo 71 °C.

### h20-048
The gateway stopped publishing after the broker moved. This is the systemd unit on the gateway — is the URL format right for TLS?

[Unit]
Description=Field sensor forwarder
After=network-online.target

[Service]
Environment=MQTT_URL=[[URL_CREDENTIALS|mqtts://gw-line3-02:f8Tn3qLx0pVa@mqtt.plant-ops.net:8883]]
Environment=MQTT_TOPIC=factory/line3/+/telemetry
Environment=BATCH_SIZE=500
Environment=FLUSH_MS=2000
ExecStart=/opt/forwarder/bin/forwarder --qos 1 --client-id gw-line3-02 --keepalive 60
Restart=on-failure
RestartSec=5

journalctl: Sep 18 03:12:44 forwarder[812]: connect failed: rc=5 (not authorised), retry in 5s (attempt 4417)

### h20-049
Can you compute the length of each LineString in km (haversine is fine) and the total elevation gain?

{
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature", "properties": {"segment_id": "TR-04-A", "surface": "gravel"},
     "geometry": {"type": "LineString", "coordinates": [
       [7.65121, 46.41882, 1524], [7.65498, 46.42117, 1561], [7.66012, 46.42430, 1618], [7.66671, 46.42602, 1702]
     ]}},
    {"type": "Feature", "properties": {"segment_id": "TR-04-B", "surface": "trail"},
     "geometry": {"type": "LineString", "coordinates": [
       [7.66671, 46.42602, 1702], [7.67208, 46.42915, 1811], [7.67744, 46.43390, 1943]
     ]}},
    {"type": "Feature", "properties": {"segment_id": "HUT", "type": "poi"},
     "geometry": {"type": "Point", "coordinates": [7.67744, 46.43390, 1943]}}
  ]
}

### h20-050
Peux-tu convertir ces points de levé en WGS84 ? Coordonnées en Lambert-93 (EPSG:2154), altitudes NGF-IGN69.

Point   X (m)         Y (m)          Z (m)     Geohash (WGS84)   Nature
PL-101  652 381,42    6 862 145,07   34,18     u09tvw0p          borne
PL-102  652 447,90    6 862 201,33   34,62     u09tvw2c          borne
PL-103  652 512,06    6 862 118,75   35,04     u09tvw27          clou
PL-104  652 430,71    6 862 063,98   34,40     u09tvqxz          repère IGN
Précision planimétrique annoncée : 1,5 cm (RTK, 1 412 époques). Référence chantier : LEV-2024-0917-03.

### h20-051
Kannst du aus den GPX-Statistiken eine kurze Tourbeschreibung machen?

Tour: Feldberg-Runde, Start/Ziel Parkplatz Haus der Natur (47,8594° N, 8,0046° E)
Distanz: 14,82 km · Aufstieg: 612 hm · Abstieg: 612 hm
Höchster Punkt: Feldberggipfel 1.493 m ü. NN (47,8740° N, 8,0044° E)
Gesamtzeit 4:12:38 h, in Bewegung 3:31:05 h, Ø 4,2 km/h, max. 9,8 km/h
Trackpunkte: 4.417 (Aufzeichnungsintervall 3 s), Geohash Start u0m65zv9
Segment 2 (Zastler Loch → Baldenweger Hütte): 3,41 km, +214 hm, 1:02:18 h

### h20-052
The map on our field-survey page is blank since Monday. Here's the snippet — do I need to enable something in the console?

<div id="map" style="height: 480px"></div>
<script>
  // survey area NW corner 46.41882, 7.65121; SE corner 46.43390, 7.67744
  // questions about the plot layout: [[EMAIL|survey-gis@alpine-transects.ch]]
  const loader = new google.maps.plugins.loader.Loader({
    apiKey: "[[SECRET|@@aiza:k052@@]]",
    version: "weekly",
    libraries: ["marker"],
  });
  loader.load().then(() => {
    const map = new google.maps.Map(document.getElementById("map"), {
      center: { lat: 46.42636, lng: 7.66432 }, zoom: 14, mapId: "4504f8b37365c3d0",
    });
  });
</script>
Console: Google Maps JavaScript API error: ApiNotActivatedMapError

### h20-053
Can you write a two-sentence match preview from these season stats?

Pos  Team              P   W   D   L   GF  GA  GD   Pts  xG     xGA    Avg. att.
3    Harbour City FC   24  14  6   4   47  25  +22  48   44.18  26.93  41,207
7    Redmoor United    24  10  7   7   36  31  +5   37   33.71  30.08  28,944
Head-to-head last 5: 2–1, 0–0, 3–2, 1–1, 0–2 (Harbour City W2 D2 L1)
Harbour City home: 8W 3D 1L, GF 27 GA 11. Redmoor away: 4W 3D 5L, GF 15 GA 18.
Set pieces: Harbour City 14 goals (29.8 %), Redmoor 9 (25.0 %). Pass completion 84.1 % vs 78.6 %.

### h20-054
Summarise this one-day international for a match report (team totals only).

Westbridge 289/7 (50 ov) — RR 5.78; extras 14 (lb 4, w 9, nb 1); fall of wickets: 1-22 (4.3), 2-101 (19.2), 3-148 (28.5), 4-190 (36.1), 5-233 (43.4), 6-251 (46.2), 7-280 (49.1)
Eastmere 291/4 (48.2 ov) — RR 6.02; extras 9 (b 1, lb 2, w 6); fall of wickets: 1-64 (9.4), 2-118 (21.1), 3-201 (37.5), 4-262 (45.3)
Eastmere won by 6 wickets with 10 balls remaining. Powerplay 1: 51/1 vs 64/0. Boundaries: 24 fours, 7 sixes vs 29 fours, 5 sixes.
Attendance 18,342. DRS reviews: 2 (1 successful) and 2 (0 successful).

### h20-055
Welche Verbindung sollte ich nehmen, wenn ich spätestens 17:30 in Nürnberg sein muss und der ICE 597 heute 25 Minuten Verspätung hat?

ICE 597    München Hbf ab 14:55 Gl. 19 → Nürnberg Hbf an 16:02 Gl. 8 (Halt: Ingolstadt 15:28)
RE 4019    München Hbf ab 15:12 Gl. 27 → Nürnberg Hbf an 17:21 Gl. 20 (über Ingolstadt, Kinding)
ICE 1009   München Hbf ab 15:32 Gl. 20 → Nürnberg Hbf an 16:38 Gl. 9
ICE 725    München Hbf ab 15:55 Gl. 21 → Nürnberg Hbf an 17:02 Gl. 7
Wagenreihung ICE 725: Wagen 21–28, 1. Klasse in Abschnitt A–B, Bordbistro Wagen 25.
Deutschlandticket gilt nur im RE 4019.

### h20-056
Please turn this ground-ops chat into a short delay report for the station manager.

[06:12] OPS: LH 2471 MUC–LHR, STD 07:05, gate K12, A320neo D-AINK, 168 pax booked, 4 infants.
[06:20] RAMP: Belt loader BL-07 u/s, replacement ETA 06:45.
[06:41] OPS: Fuel 7,900 kg requested, uplift done 06:38, density 0.799.
[06:52] RAMP: Loading complete 06:50, 142 bags, 1,180 kg cargo, LIR signed.
[07:18] OPS: Off-block 07:30, delay 25 min, code 32 (loading/unloading), 93 (aircraft rotation) 0 min.
[07:19] OPS: For the LHR turnaround tomorrow, the ramp lead at Heathrow is on [[PHONE|@@phone:p056:GB:m:intl@@]] if the belt loader issue repeats.

### h20-057
Can you turn this observing list into an ADQL query against Gaia DR3 (5 arcsec cone around each)?

Target            Alt. id              Gaia DR3 source_id      RA (J2000)      Dec (J2000)     V      Parallax (mas)
HD 209458         HIP 108859           @@luhnnum:g057a:19@@    22 03 10.77     +18 53 03.5     7.65   20.15 ± 0.03
NGC 6543 (CSPN)   PN G096.4+29.9       @@luhnnum:g057b:19@@    17 58 33.42     +66 37 59.5     11.1   0.63 ± 0.04
WASP-12           TYC 1891-1128-1      @@dec:g057c:19@@        06 30 32.79     +29 40 20.3     11.57  2.31 ± 0.02
TRAPPIST-1        2MASS J23062928-0502285   @@luhnnum:g057d:19@@  23 06 29.37  −05 02 29.0     18.8   80.21 ± 0.07
Exposure plan: 3 × 600 s each, airmass < 1.6, moon separation > 45°. Proposal ID 114.27KX.001.

### h20-058
Check my derivation of Wien's displacement constant — where did I lose the factor in the last step?

Planck: B_λ(T) = (2hc²/λ⁵) · 1/(exp(hc/(λ k_B T)) − 1)
Set x = hc/(λ k_B T); dB_λ/dλ = 0 ⇒ 5(1 − e^(−x)) = x ⇒ x = 4.965 114 231 744 276…
λ_max T = hc/(x k_B)
h = 6.626 070 15 × 10⁻³⁴ J s (exact), c = 299 792 458 m s⁻¹ (exact), k_B = 1.380 649 × 10⁻²³ J K⁻¹ (exact)
hc = 1.986 445 857 × 10⁻²⁵ J m
hc / k_B = 0.014 387 768 775 m K
b = 0.014 387 768 775 / 4.965 114 231 744 = 2.897 771 955 × 10⁻³ m K
My notes say b = 2.897 771 955 × 10⁻⁴ m K, so 500 nm ↔ 5 795.5 K doesn't come out. Also: σ = 5.670 374 419 × 10⁻⁸ W m⁻² K⁻⁴, N_A = 6.022 140 76 × 10²³ mol⁻¹.

### h20-059
¿Puedes comprobar esta tabla de conversiones para el anexo técnico? Creo que hay una errata.

Magnitud        Unidad origen         Factor exacto / aproximado     Unidad SI
Longitud        1 milla terrestre     1 609,344 (exacto)              m
Longitud        1 milla náutica       1 852 (exacto)                  m
Masa            1 libra avoirdupois   0,453 592 37 (exacto)           kg
Presión         1 atm                 101 325 (exacto)                Pa
Presión         1 psi                 6 894,757 293                   Pa
Energía         1 BTU (IT)            1 055,055 852 62                J
Energía         1 kWh                 3 600 000 (exacto)              J
Potencia        1 CV (métrico)        735,498 75                      W
Volumen         1 galón EE. UU.       0,003 785 411 784 (exacto)      m³
Temperatura     T(°F)                 (T − 32) × 5/9                  °C

### h20-060
The TAP query below returns 401 since this morning. Is the token expired or is it my ADQL?

import requests
TAP = "https://archive.skyvault-observatory.org/tap/sync"
headers = {"Authorization": "Bearer [[JWT|@@jwt:t060:RS256@@]]"}
adql = """
SELECT TOP 500 source_id, ra, dec, phot_g_mean_mag, parallax
FROM gaiadr3.gaia_source
WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 330.79487, 18.88431, 0.0833))
  AND parallax_over_error > 10
"""
r = requests.post(TAP, data={"REQUEST": "doQuery", "LANG": "ADQL", "FORMAT": "csv", "QUERY": adql}, headers=headers)
print(r.status_code, r.headers.get("WWW-Authenticate"))
# 401 Bearer error="invalid_token", error_description="token expired"

### h20-061
Our macOS app crashes on launch for some users. What does this crash report point to?

Process:               RenderStudio [4417]
Identifier:            com.lumenforge.renderstudio
Version:               3.8.2 (3820.117)
Code Type:             ARM-64 (Native)
OS Version:            macOS 14.6.1 (23G93)
Exception Type:        EXC_BAD_ACCESS (SIGSEGV)
Exception Codes:       KERN_INVALID_ADDRESS at 0x0000000000000018
Termination Reason:    Namespace SIGNAL, Code 11 Segmentation fault: 11

Thread 3 Crashed:: Dispatch queue: com.lumenforge.meshupload
0   libsystem_platform.dylib      0x00000001a1b2c3d4 _platform_memmove + 52
1   RenderCore                    0x0000000104f1e2a8 RenderCore::Mesh::upload(MTL::Buffer*, unsigned long) + 312
2   RenderCore                    0x0000000104f0a1c4 RenderCore::Scene::commit() + 1188
3   libdispatch.dylib             0x00000001a19d6ad8 _dispatch_call_block_and_release + 32

Thread 3 crashed with ARM Thread State (64-bit):
    x0: 0x000000016f2b7e40   x1: 0x0000000000000018   x2: 0x0000000000012c00   x3: 0x0000600003a1c2d0
    pc: 0x00000001a1b2c3d4   lr: 0x0000000104f1e2a8   sp: 0x000000016f2b7d90   far: 0x0000000000000018

Binary Images:
       0x104e10000 -        0x10512ffff RenderCore (3.8.2) <@@uuid:img061@@> /Applications/RenderStudio.app/Contents/Frameworks/RenderCore.framework/RenderCore

### h20-062
Which configuration would you pick for p99 < 10 ms? wrk results against the staging box (same hardware, 4 runs each):

Running 1m test @ http://127.0.0.1:8080/api/v2/items?page=1
  16 threads and 400 connections
config   req/s       p50      p75      p90      p99      max       transfer/s   errors
A-sync   52,118.40   5.92ms   7.41ms   9.88ms   21.73ms  184.22ms  16.41MB      0
B-async  69,683.41   1.84ms   2.41ms   3.90ms   11.27ms  97.05ms   21.94MB      0
C-async  71,904.77   1.79ms   2.33ms   3.71ms    9.64ms  140.88ms  22.63MB      12 (timeouts)
D-uvloop 74,210.06   1.71ms   2.20ms   3.52ms    8.91ms   88.40ms  23.36MB      0
4,452,633 requests in 60.02s, 1.37GB read (D-uvloop, best run)
Machine: 2 × EPYC 9354 (64 cores), kernel 6.8.0-41, Python 3.12.5, gunicorn 22.0.0 (B/C/D with uvicorn 0.30.6 workers).

### h20-063
このGCログを見ると、Full GCの原因は何だと思いますか？ヒープは4 GBです。

[2024-06-11T09:14:22.318+0900][info][gc] GC(1842) Pause Young (Normal) (G1 Evacuation Pause) 1843M->612M(4096M) 11.274ms
[2024-06-11T09:14:31.902+0900][info][gc] GC(1843) Pause Young (Concurrent Start) (G1 Humongous Allocation) 2961M->2318M(4096M) 18.901ms
[2024-06-11T09:14:31.921+0900][info][gc] GC(1844) Concurrent Mark Cycle
[2024-06-11T09:14:33.447+0900][info][gc] GC(1844) Pause Remark 3482M->3390M(4096M) 4.812ms
[2024-06-11T09:14:34.018+0900][info][gc] GC(1845) To-space exhausted
[2024-06-11T09:14:34.662+0900][info][gc] GC(1846) Pause Full (G1 Compaction Pause) 4090M->1204M(4096M) 641.207ms
[2024-06-11T09:14:34.663+0900][info][gc,cpu] GC(1846) User=4.81s Sys=0.02s Real=0.64s
JVM: OpenJDK 21.0.4+7-LTS, -XX:+UseG1GC -Xmx4g -XX:G1HeapRegionSize=4m、リージョン数 1024。

### h20-064
Can you help me read these microbenchmark results? I ran them from my shell history below.

$ export GITHUB_TOKEN=[[SECRET|@@ghp:g064@@]]
$ ./bench/run.sh --suite micro --repeat 5 --upload-artifacts
[bench] fetching baseline artifacts for main@4f1c9e7 (run 10982713144)
[bench] suite=micro cpu=AMD EPYC 9354 governor=performance turbo=off
benchmark                      baseline (ns/op)   candidate (ns/op)   delta     p-value
parse_small_json                       1,412.6            1,388.0      -1.7%     0.214
parse_large_json                     418,822.1          371,450.9     -11.3%     0.0008
encode_utf8_ascii                          88.4               88.9      +0.6%     0.771
hash_map_insert_1k                      21,904.7           24,117.3     +10.1%     0.0021
regex_email_like                         3,318.0            3,296.5      -0.6%     0.640
[bench] uploaded 5 artifacts (14.2 MB) to run 10982713144

### h20-065
Is my proof sketch right that 2^61 − 1 is prime but 2^32 + 1 is not? I also listed a few numbers for the exercise sheet.

M61 = 2^61 − 1 = 2305843009213693951 (Mersenne prime, Pervushin 1883)
F5 = 2^32 + 1 = 4294967297 = 641 × 6700417 (Euler 1732)
20! = 2432902008176640000
The 10,000th prime is 104729; the 1,000,000th prime is 15485863.
Largest prime below 2^32: 4294967291. Largest prime below 2^31: 2147483647 (= M31).
φ(10^9 + 7) = 1000000006; 998244353 = 119 × 2^23 + 1 is NTT-friendly.
Carmichael numbers below 10,000: 561, 1105, 1729, 2465, 2821, 6601, 8911.
Sketch: for M61, any prime factor q satisfies q ≡ 1 (mod 122) and q ≡ ±1 (mod 8); Lucas–Lehmer s_59 ≡ 0 (mod M61).

### h20-066
¿Puedes hacer una tabla con la frecuencia de cada número en estos sorteos?

Euromillones — martes 11/06/2024: 04 - 17 - 23 - 38 - 45, estrellas 03 y 09. Bote: 42 000 000 €. El Millón: XPM 41870
Euromillones — viernes 14/06/2024: 08 - 17 - 29 - 31 - 48, estrellas 02 y 09. Acertantes 5+2: 0
La Primitiva — jueves 13/06/2024: 05 - 12 - 19 - 27 - 33 - 41, complementario 22, reintegro 7, Joker 4 817 302
La Primitiva — sábado 15/06/2024: 03 - 12 - 24 - 27 - 38 - 46, complementario 11, reintegro 2, Joker 0 928 451
Bonoloto — lunes 10/06/2024: 09 - 14 - 17 - 25 - 36 - 44, C 30, R 5
Lotería Nacional — sábado 15/06/2024: primer premio 64 318, segundo premio 27 905, reintegros 8, 3 y 1

### h20-067
Explain this regression output to a non-statistician (it's for a grant report).

                            OLS Regression Results
==============================================================================
Dep. Variable:           yield_t_ha   R-squared:                       0.612
Model:                          OLS   Adj. R-squared:                  0.604
No. Observations:               412   F-statistic:                     79.14
Df Residuals:                   404   Prob (F-statistic):           3.12e-78
==============================================================================
                 coef    std err          t      P>|t|      [0.025      0.975]
------------------------------------------------------------------------------
const          1.8412      0.311      5.920      0.000       1.230       2.453
n_kg_ha        0.0184      0.002      9.200      0.000       0.014       0.022
rain_mm        0.0031      0.001      3.100      0.002       0.001       0.005
soil_ph       -0.2217      0.074     -2.996      0.003      -0.367      -0.076
==============================================================================
Durbin-Watson: 1.927   Jarque-Bera (JB): 4.118   Prob(JB): 0.128   Cond. No. 2.41e+03

### h20-068
Can you check this trio sample sheet before I submit it to the sequencing core? They reject sheets with missing fields.

sample_id,family_id,relationship,sex,dob,affected,hpo_terms,fastq_r1,fastq_r2
TRIO-0412-P,FAM0412,proband,F,[[DATE_OF_BIRTH|2017-03-22]],2,HP:0001250;HP:0001263,s3://seq-core/run2417/TRIO-0412-P_S1_R1_001.fastq.gz,s3://seq-core/run2417/TRIO-0412-P_S1_R2_001.fastq.gz
TRIO-0412-M,FAM0412,mother,F,[[DATE_OF_BIRTH|1988-11-05]],1,,s3://seq-core/run2417/TRIO-0412-M_S2_R1_001.fastq.gz,s3://seq-core/run2417/TRIO-0412-M_S2_R2_001.fastq.gz
TRIO-0412-F,FAM0412,father,M,,1,,s3://seq-core/run2417/TRIO-0412-F_S3_R1_001.fastq.gz,s3://seq-core/run2417/TRIO-0412-F_S3_R2_001.fastq.gz
# panel: epilepsy v4.1 (1,164 genes); target coverage 30x; requesting clinician: [[EMAIL|dr.n.achterberg@kinderneuro-lindenhof.nl]]

### h20-069
Put these citations into Bluebook format and sort them by court level.

Marbury v. Madison, 5 U.S. (1 Cranch) 137 (1803)
Loper Bright Enterprises v. Raimondo, 603 U.S. 369 (2024)
Chevron U.S.A. Inc. v. Natural Resources Defense Council, Inc., 467 U.S. 837 (1984)
Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009)
In re Tesla Motors, Inc. Stockholder Litig., 298 A.3d 667 (Del. 2023)
Hardwick Mills LLC v. Corrow Logistics Inc., No. 1:23-cv-04417-JMF, 2024 WL 1187322 (S.D.N.Y. Mar. 12, 2024)
42 U.S.C. § 1983; 28 U.S.C. § 1332(a)(1); Fed. R. Civ. P. 12(b)(6); 17 C.F.R. § 240.10b-5
Cal. Civ. Code § 1798.100 (West 2024)

### h20-070
Kannst du diese Patentliste nach Anmeldedatum sortieren und die Familien zusammenfassen?

EP 3 812 045 B1   Anmeldetag 14.05.2020   Prio US 62/848,117 (15.05.2019)   IPC H01M 10/0525
US 11,284,907 B2  Anmeldetag 13.05.2020   Prio US 62/848,117                 IPC H01M 10/0525, H01M 4/38
DE 10 2019 118 432 A1   Anmeldetag 08.07.2019   —                          IPC B60L 58/12
WO 2021/058123 A1   PCT/EP2020/074418, Anmeldetag 02.09.2020               IPC H02J 7/00
CN 114 221 907 A    Anmeldetag 17.11.2021   Prio DE 10 2020 130 911.6        IPC H01M 50/20
JP 2022-104417 A    Anmeldetag 28.12.2021   Prio EP 20 216 845.3             IPC H01M 10/44
Aktenzeichen intern: PA-2019-0412, PA-2020-0877. Jahresgebühren fällig: 6. Jahr EP (DE) 310 €.

### h20-071
Peux-tu vérifier le format de ces références pour la bibliographie du mémoire ?

Cass. 1re civ., 12 juin 2024, n° 22-21.467, publié au Bulletin
Cass. soc., 13 sept. 2023, n° 22-17.340 et 22-17.638, FS-B
CE, 5 juillet 2023, n° 456789, mentionné aux tables du Recueil Lebon
ECLI:FR:CCASS:2024:C100345
CJUE, 4 juillet 2023, Meta Platforms e.a., C-252/21, EU:C:2023:537
Règlement (UE) 2016/679 (RGPD), CELEX 32016R0679, art. 6, § 1, point f), et art. 9, § 2
Code civil, art. 1240 ; Code de la consommation, art. L. 221-18 ; JORF n° 0141 du 20 juin 2024, texte n° 12

### h20-072
Can you make this chargeback letter sound firmer but still polite? It goes to the card issuer's dispute department.

Re: Dispute of card transaction — Reg. E / Reg. Z, 12 C.F.R. § 1026.13
Card number: [[CREDIT_CARD|@@card:c072:visa:spaced@@]]
Transaction date: 2024-08-14   Posting date: 2024-08-16   Amount: USD 1,249.00
Merchant: NORDLICHT AUDIO GMBH, MCC 5732, acquirer reference number 74123458228011940213372
I am disputing this charge because the merchandise (order 24-0814-7732) was returned on 2024-08-21 with tracking 1Z 999 AA1 01 2345 6784 and no credit has been issued after 30 days. Copies of the return receipt and the merchant's RMA 55102 are attached.
Please issue a provisional credit within 10 business days as required.

### h20-073
Format this reading list as APA 7 and check that the ISBNs and DOIs are complete.

Knuth, D. E. (1997). The Art of Computer Programming, Vol. 1: Fundamental Algorithms (3rd ed.). Addison-Wesley. ISBN 978-0-201-89683-1
Bishop, C. M. (2006). Pattern Recognition and Machine Learning. Springer. ISBN 978-0-387-31073-2
Goodfellow, I., Bengio, Y., & Courville, A. (2016). Deep Learning. MIT Press. ISBN 978-0-262-03561-3
LeCun, Y., Bengio, Y., & Hinton, G. (2015). Deep learning. Nature, 521(7553), 436–444. doi:10.1038/nature14539 (ISSN 0028-0836, eISSN 1476-4687)
Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2017). ImageNet classification with deep convolutional neural networks. Communications of the ACM, 60(6), 84–90. doi:10.1145/3065386
Vaswani, A., et al. (2017). Attention is all you need. arXiv:1706.03762 [cs.CL]

### h20-074
Pode organizar esta lista do acervo por número de chamada e apontar os ISBNs inválidos?

Registro   Nº de chamada      Título                                             ISBN                 Exemplares
004412     869.3 A848d        Dom Casmurro (ed. crítica)                         @@isbn13:b074a:97885@@     3
004413     869.1 B229p        Poesia completa                                    @@isbn13:b074b:97865@@     1
004419     981.03 F825h       História do Brasil colonial, 2ª ed.                @@isbn13:b074c:97885@@     2
004427     621.3 S586e        Eletrônica de potência: conversores CC-CC          @@isbn13:b074d:97885@@     5
004431     005.133 M488p      Programação em Python, 4ª ed.                      @@isbn13:b074e:97865@@     4
Periódicos: Revista Brasileira de Física (ISSN 0374-4922), Ciência e Cultura (ISSN 0009-6725).

### h20-075
次の雑誌リストを、インパクトファクターの高い順に並べ替えてください。

誌名                              ISSN        eISSN       IF 2023   5年IF    採択率    平均査読日数
Journal of Applied Physics        0021-8979   1089-7550   2.7       2.6      39 %     54
Physical Review B                 2469-9950   2469-9969   3.2       3.1      45 %     88
Japanese Journal of Applied Physics  0021-4922   1347-4065   1.5       1.4      52 %     61
Nature Photonics                  1749-4885   1749-4893   32.3      36.4     8 %      112
Optics Express                    1094-4087   1094-4087   3.2       3.5      41 %     47
（データ取得日：2024年7月1日、JCR 2024年版）

### h20-076
Why doesn't this expense export balance? Total should be 3,412.57.

date,doc,vendor,category,amount,currency,memo
2024-09-02,EXP-88412,Aerolinea Sur,Travel,612.40,EUR,"flight MAD-LIS, booking ref K7WQ2P"
2024-09-03,EXP-88413,Hotel Alfama Terrace,Lodging,1184.00,EUR,3 nights
2024-09-04,EXP-88419,Printerra Print Shop,Marketing,1422.17,EUR,"paid with the corporate card [[CREDIT_CARD|@@card:c076:mc@@]]; receipt sent from [[EMAIL|billing@printerra-shop.pt]]"
2024-09-05,EXP-88420,Taxi Lisboa,Travel,38.50,EUR,
2024-09-05,EXP-88421,Café Nicola,Meals,95.50,EUR,team dinner (5)
2024-09-06,EXP-88425,Aerolinea Sur,Travel,60.00,EUR,seat upgrade

### h20-077
Write a 100-word recap from these team totals.

                 FG      3PT     FT      OREB  DREB  REB  AST  STL  BLK  TO   PF  PTS
Lakeport Owls    41-88   14-37   18-22   11    35    46   27   8    5    12   19  114
Granite Bay      39-91   12-40   22-27   14    31    45   21   6    3    15   21  112
Quarters: Owls 28-31-25-30, Granite Bay 30-24-33-25. Largest lead 11 (Owls, 3rd), 14 lead changes, 9 ties.
Fast-break points 18-9, points in the paint 52-44, bench points 31-38. Arena attendance 17,418. Game time 2:16.

### h20-078
Can you plot these climate normals and describe the seasonal cycle?

Station USW00094728 (WMO 72505), 1991–2020 normals
Month  Tmax (°C)  Tmin (°C)  Precip (mm)  Snow (cm)  Sun (h)
Jan    4.0        -2.6       91.4         22.6       162
Feb    5.8        -1.6       79.0         23.9       163
Mar    10.2       2.0        106.2        11.9       213
Apr    16.6       7.4        101.9        1.0        237
May    22.1       12.7       92.7         0.0        268
Jun    26.8       18.0       110.2        0.0        288
Jul    29.6       21.0       117.1        0.0        302
Aug    28.7       20.4       114.0        0.0        271
Annual precipitation 1,268.2 mm; record high 41.1 °C (1936-07-09); elevation 42.7 m; 40.7789 N, 73.9692 W.

### h20-079
Who had the better race pace? Lap times from the last stint (laps 41–47), car numbers as listed.

Lap   Car 1       Car 16      Car 4       Car 81
41    1:31.447    1:31.602    1:31.588    1:31.905
42    1:31.390    1:31.511    1:31.702    1:31.877
43    1:31.512    1:31.398    1:31.455    1:32.014
44    1:31.288    1:31.477    1:31.390    1:31.840
45    1:31.604    1:31.350    1:31.512    1:31.962
46    1:31.221    1:31.289    1:31.401    1:31.799
47    1:31.356    1:31.402    1:31.318    1:31.858
Speed trap: 329.4 / 327.8 / 331.2 / 326.9 km/h. Pit stops: 2.41 s, 2.87 s, 2.33 s, 3.05 s. Track temp 44 °C.

### h20-080
Can you check which of our players are eligible for the U14 age group (born on or after 1 January 2011) and format the list for the tournament form?

Squad list — Ashford Rovers Youth, U14 entry (tournament ref. KT-2025-0412)
Shirt  Position  Registration no.  Date of birth   Minutes 24/25  Goals
4      DF        FAW-2231-0087     —              1,212          1
7      MF        FAW-2231-0114     [[DATE_OF_BIRTH|14/02/2011]]     1,488          6
9      FW        FAW-2231-0139     [[DATE_OF_BIRTH|30/12/2010]]     1,301          11
Player 4's date of birth is still missing in the league portal; the club secretary will add it.

### h20-081
Please write the PK paragraph for the clinical study report from this table (geometric means, CV% in brackets).

Study LXR-101, Part B (multiple ascending dose), day 14, fasted
Dose     n    Cmax (ng/mL)     Tmax (h)*        AUC0–24 (ng·h/mL)   AUC0–∞ (ng·h/mL)   t½ (h)      CL/F (L/h)
50 mg    8    412 (28.4)       1.5 (1.0–3.0)    3,871 (24.9)        4,102 (25.6)        7.9 (18.2)   12.2 (25.6)
100 mg   8    861 (31.0)       1.5 (0.5–2.0)    8,044 (27.3)        8,590 (28.1)        8.3 (15.7)   11.6 (28.1)
200 mg   8    1,790 (35.6)     2.0 (1.0–4.0)    17,210 (30.8)       18,455 (31.9)       8.8 (19.4)   10.8 (31.9)
* median (range). Accumulation ratio (AUC) 1.42–1.51. Dose proportionality: power-model slope 1.04 (90% CI 0.93–1.15).

### h20-082
Which of these LC-MS peaks could be caffeine metabolites? Positive mode, mass tolerance 5 ppm.

RT (min)  m/z (obs)   Ion       Intensity   Formula         m/z (calc)   Δ (ppm)   Candidate (HMDB / PubChem CID)
3.42      195.0877    [M+H]+    1.84e6      C8H10N4O2       195.0877     0.0       caffeine (HMDB0001847 / 2519)
2.88      181.0720    [M+H]+    4.12e5      C7H8N4O2        181.0720     0.0       paraxanthine (HMDB0001860 / 4687)
2.61      181.0722    [M+H]+    1.07e5      C7H8N4O2        181.0720     1.1       theophylline (HMDB0001889 / 2153)
2.97      181.0719    [M+H]+    6.30e4      C7H8N4O2        181.0720    -0.6       theobromine (HMDB0002825 / 5429)
1.95      197.0669    [M+H]+    2.21e4      C7H8N4O3        197.0669     0.0       1-methyluric acid? (HMDB0003099)
Instrument: Q Exactive HF, resolution 120,000 @ m/z 200, lock mass 445.12003.

### h20-083
Can you turn these data-collection and refinement statistics into Table 1 (values for the highest-resolution shell in parentheses)?

PDB entry (deposited): 9F4K        EMDB: —
Wavelength (Å)               0.9763
Resolution range (Å)         48.21–1.85 (1.92–1.85)
Space group                  P 21 21 21
Unit cell a, b, c (Å)        52.31, 67.84, 101.22   α = β = γ = 90°
Unique reflections           41,187 (4,012)
Multiplicity                 6.8 (6.4)
Completeness (%)             99.7 (98.9)
Mean I/σ(I)                  14.2 (1.9)
CC1/2                        0.998 (0.712)
Rwork / Rfree                0.178 / 0.214
RMS bonds (Å) / angles (°)   0.008 / 0.94
Ramachandran favoured (%)    97.84, outliers 0.00
Clashscore                   2.41

### h20-084
Please tidy up this application data sheet before we file — the inventor block is from the intake form.

Application Data Sheet — 37 CFR 1.76
Title of invention: Solid-state electrolyte interlayer with graded lithium-ion conductivity
Attorney docket number: 2024-0417-US
Related application: continuation of application No. 17/412,907, filed 2021-09-01, now U.S. Patent No. 11,884,231
Foreign priority: EP 21 194 872.9 (2021-09-03)
Inventor 1: Daniel Okonkwo-Hart, Residence: Denver, CO
  Correspondence e-mail (inventor): [[EMAIL|d.okonkwohart@voltaic-labs.com]]
  Phone: [[PHONE|@@phone:p084:US:m:national@@]]
Applicant: Voltaic Labs, Inc. (assignee), customer number 112907
Entity status: small entity. Fee: $1,152 (filing, search, examination).

### h20-085
この決算短信の数字から、営業利益率と前年同期比を計算してください。

2025年3月期 第1四半期決算短信〔日本基準〕（連結）
上場会社名：ミナトエレクトロニクス株式会社　コード番号：6847　上場取引所：東
　　　　　　　　　売上高　　　　　営業利益　　　経常利益　　　親会社株主に帰属する四半期純利益
2025年3月期第1四半期　128,451百万円　11,207百万円　12,034百万円　8,112百万円
2024年3月期第1四半期　119,876百万円　9,844百万円　10,511百万円　7,027百万円
1株当たり四半期純利益：71.84円（前年同期 62.19円）
自己資本比率：58.4％　総資産：742,118百万円
通期業績予想：売上高 520,000百万円、営業利益 46,000百万円（修正なし）

### h20-086
東京から新大阪まで、12時前に着く一番遅い便を教えてください。

列車          東京 発    品川 発    新横浜 発   名古屋 着   京都 着    新大阪 着   番線
のぞみ 13号   08:30      08:37      08:48       10:07       10:42      10:57       16
のぞみ 15号   08:51      08:58      09:09       10:28       11:03      11:18       18
ひかり 637号  09:03      09:10      09:21       10:47       11:24      11:39       15
のぞみ 17号   09:09      09:16      09:27       10:44       11:19      11:33       14
のぞみ 19号   09:30      09:37      09:48       11:07       11:42      11:57       16
のぞみ 21号   09:48      09:55      10:06       11:25       12:00      12:15       17
指定席 14,720円（通常期）、自由席 13,870円。

### h20-087
この部品表の公差を見て、組立てで干渉しそうな箇所があれば指摘してください。

型番                   品名                    数量   寸法・公差                  ロット番号
XC7Z020-1CLG400C       SoC（FPGA）             1      17 × 17 mm, BGA 0.8 mm      2431-0412
MT41K256M16TW-107      DDR3L SDRAM             2      9 × 14 mm                   2428-1177
HS-2231-00A            ヒートシンク            1      40.0 ± 0.1 × 40.0 ± 0.1 mm  24-0917
TIM-0.5-GP             熱伝導シート             1      厚さ 0.50 ± 0.05 mm          24-0811
SP-M3-12               スペーサー M3            4      12.00 ± 0.02 mm             23-1204
筐体 ENC-118-C          アルミ筐体               1      内寸高さ 13.5 +0.1/−0 mm      24-0702
基板厚 1.60 ± 0.16 mm、部品最大高さ（表面）11.2 mm。

### h20-088
この論文の著者情報の部分を英語に翻訳してください。

都市河川における溶存有機物の季節変動とその蛍光特性
山本 彩花¹, 長谷川 健²*, Lucas Ferreira¹
¹ 東都大学 理工学研究科 環境システム専攻
² 関東環境科学研究所 水環境研究部
* 責任著者：長谷川 健　E-mail: [[EMAIL|hasegawa.ken@kankyo-kagaku.jp]]　電話: [[PHONE|@@phone:p088:JP:f:national@@]]
受付日 2024年4月12日、受理日 2024年7月30日
要旨：2021年4月から2023年3月まで月1回、12地点で採水した（n = 288）。DOC濃度は1.12–4.87 mg/L、SUVA254は1.9–3.4 L/(mg·m)であった。

### h20-089
Kannst du prüfen, ob die Bilanzsumme aufgeht? SKR03, Stand 31.12.2024.

Aktiva                                               Passiva
0200 Techn. Anlagen und Maschinen   1.284.600,00     0800 Gezeichnetes Kapital          250.000,00
0420 Büroeinrichtung                  86.412,50     0860 Gewinnvortrag                 611.208,14
0980 Aktive RAP                       12.300,00     0955 Rückstellungen                184.500,00
1000 Kasse                             2.418,77     1600 Verbindlichkeiten aLuL        402.117,39
1200 Bank                            911.044,82     1776 Umsatzsteuer 19 %              71.422,06
1400 Forderungen aLuL                647.193,11     0630 Verbindlichkeiten Kreditinst. 1.424.721,61
Summe                              2.943.969,20     Summe                            2.943.969,20
Jahresüberschuss 2024: 211.408,33 €. Umsatzerlöse (8400): 6.118.772,40 €.

### h20-090
Peux-tu calculer la variation de population entre 2015 et 2021 pour ces communes et la trier ?

Code INSEE   Commune      Département   Population 2015   Population 2021   Superficie (km²)
75056        Paris        75            2 206 488         2 133 111         105,40
13055        Marseille    13            861 635           873 076           240,62
69123        Lyon         69            513 275           522 250           47,87
31555        Toulouse     31            471 941           504 078           118,30
06088        Nice         06            342 522           348 085           71,92
44109        Nantes       44            303 382           323 204           65,19
Source : recensements de la population, millésimes 2015 et 2021, géographie au 01/01/2024.

### h20-091
¿Me resumes qué cambia en el modelo 303 según estas referencias?

Real Decreto 1007/2023, de 5 de diciembre (BOE núm. 291, de 6 de diciembre de 2023), referencia BOE-A-2023-24840
Ley 37/1992, de 28 de diciembre, del IVA, arts. 91.Uno.1 y 164.Uno.3.º
Orden HAC/819/2024, de 30 de julio, modelo 303: nuevas casillas 150–156 (recargo de equivalencia al 1,75 %)
Ejemplo: base imponible al 21 % 48 312,40 € → cuota 10 145,60 €; al 10 % 6 120,00 € → 612,00 €; IVA soportado deducible 9 871,33 €; resultado 886,27 € a ingresar.
Plazo del 3T: del 1 al 21 de octubre de 2024; domiciliación hasta el 16 de octubre.

### h20-092
Kannst du mir sagen, welche Lastschriften aus dem Rechnungsjournal noch nicht eingezogen wurden?

Rechnungsjournal September 2024 (Export aus DATEV, gekürzt)
Re.-Nr.      Datum       Debitor   Betrag brutto   Zahlart         Mandatsreferenz   Status
RE-24-09117  02.09.2024  10412     1.428,00 €      SEPA-Lastschrift  MR-10412-03     eingezogen 06.09.
RE-24-09123  04.09.2024  10877        312,40 €     Überweisung       —               bezahlt 11.09.
RE-24-09131  09.09.2024  11203     4.016,50 €      SEPA-Lastschrift  MR-11203-01     offen
RE-24-09140  12.09.2024  10412       857,90 €      SEPA-Lastschrift  MR-10412-03     offen
Hinweis Debitor 11203: neues Konto laut Mandatsänderung vom 05.09.: [[IBAN|@@iban:i092:DE@@]]
Zahlungsziel 14 Tage netto, Skonto 2 % bei Zahlung innerhalb 7 Tagen.

### h20-093
Pode comparar a geração real com a prevista e apontar qual inversor está abaixo do esperado?

Usina Solar Serra Azul II — relatório diário 17/09/2024
Inversor   Nº de série        Potência nom. (kW)   Geração (kWh)   Prevista (kWh)   PR (%)   Disponib. (%)
INV-01     SG250HX-2231-0412  250                  1.512,4         1.540,0          82,1     100,0
INV-02     SG250HX-2231-0418  250                  1.498,7         1.540,0          81,4     100,0
INV-03     SG250HX-2231-0427  250                  1.104,9         1.540,0          60,0     74,2
INV-04     SG250HX-2231-0433  250                  1.521,3         1.540,0          82,6     100,0
Irradiação no plano: 6,12 kWh/m² · Temperatura média dos módulos 48,7 °C · Medidor CCEE 4417.2291.0087
Total: 5.637,3 kWh; acumulado do mês 94.118,6 kWh.

### h20-094
Why is my histogram_quantile returning NaN for the /health route? Raw Prometheus scrape:

# HELP http_request_duration_seconds Request latency
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{route="/api/v1/items",le="0.05"} 1184320
http_request_duration_seconds_bucket{route="/api/v1/items",le="0.25"} 1402117
http_request_duration_seconds_bucket{route="/api/v1/items",le="1"} 1411806
http_request_duration_seconds_bucket{route="/api/v1/items",le="+Inf"} 1412002
http_request_duration_seconds_sum{route="/api/v1/items"} 98412.774
http_request_duration_seconds_count{route="/api/v1/items"} 1412002
http_request_duration_seconds_bucket{route="/health",le="+Inf"} 0
process_resident_memory_bytes{pod="api-7d9f8b6c4-xk2lq"} 412876800
process_start_time_seconds{pod="api-7d9f8b6c4-xk2lq"} 1726531187.44
go_gc_duration_seconds{quantile="0.99"} 0.004417

### h20-095
Can you list the components in this SBOM excerpt that have a known CVE fixed in a later version?

{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:@@uuid:sbom095@@", "version": 1,
  "components": [
    {"type": "library", "name": "requests", "version": "2.31.0", "purl": "pkg:pypi/requests@2.31.0",
     "hashes": [{"alg": "SHA-256", "content": "@@hex:h095a:64@@"}]},
    {"type": "library", "name": "urllib3", "version": "2.2.1", "purl": "pkg:pypi/urllib3@2.2.1",
     "cpe": "cpe:2.3:a:python:urllib3:2.2.1:*:*:*:*:python:*:*"},
    {"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"},
    {"type": "container", "name": "python", "version": "3.12-slim", "purl": "pkg:oci/python@sha256%3A@@hex:h095b:64@@"}
  ]
}

### h20-096
O webhook do Alertmanager parou de postar no canal depois da migração. A config está certa?

global:
  resolve_timeout: 5m
route:
  receiver: "slack-operacao"
  group_by: ["alertname", "cluster"]
  group_wait: 30s
  repeat_interval: 4h
receivers:
  - name: "slack-operacao"
    slack_configs:
      - api_url: "[[SECRET|@@slackhook:h096@@]]"
        channel: "#alertas-usina"
        send_resolved: true
        title: "{{ .CommonLabels.alertname }} ({{ .Alerts.Firing | len }})"
# logs: level=error component=dispatcher msg="Notify for alerts failed" num_alerts=3 err="slack-operacao/slack[0]: notify retry canceled due to unrecoverable error after 1 attempts: channel_not_found"

### h20-097
What does this certificate tell me about who issued it and when it expires?

Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            04:a1:9c:3e:77:d0:2b:58:11:f4:0e:6a:c2:93:81:5d:7e:20
        Signature Algorithm: ecdsa-with-SHA384
        Issuer: C = US, O = Let's Encrypt, CN = E6
        Validity
            Not Before: Aug 28 11:42:07 2024 GMT
            Not After : Nov 26 11:42:06 2024 GMT
        Subject: CN = shop.harrowgate-tiles.co.uk
        X509v3 extensions:
            X509v3 Certificate Policies:
                Policy: 2.23.140.1.2.1
            CT Precertificate SCTs:
                Log ID    : @@hex:ct097a:64@@
                Timestamp : Aug 28 12:42:07.318 2024 GMT
    SHA256 Fingerprint=@@hex:fp097:64@@

### h20-098
Turn these release notes into a changelog entry for users (skip internal items).

v4.12.0 (2024-09-17), build 20240917.3, tag commit @@hex:sha098a:40@@
- Bump OpenSSL to 3.0.15 (CVE-2024-5535, CVE-2024-6119)
- Fix crash when importing GPX files with > 65,535 track points (#4417, @@hex:sha098b:7@@)
- Export: CSV now uses ISO 8601 timestamps (#4398)
- Internal: migrate CI runners to ubuntu-24.04 (#4402), cache hit rate 91.3% → 97.8%
- Performance: tile rendering p95 from 212 ms to 148 ms on the 1,000-layer benchmark
Artifacts: app-4.12.0-x86_64.AppImage (sha256 @@hex:sha098c:64@@), 88,412,160 bytes

### h20-099
Why is this query doing a sequential scan even though there's an index on created_at?

EXPLAIN (ANALYZE, BUFFERS)
SELECT date_trunc('day', created_at) AS d, count(*), sum(amount_cents)
FROM payments WHERE created_at >= now() - interval '30 days' GROUP BY 1 ORDER BY 1;

Sort  (cost=412877.21..412877.29 rows=31 width=48) (actual time=4417.302..4417.306 rows=31 loops=1)
  Sort Key: (date_trunc('day'::text, created_at))
  ->  HashAggregate  (cost=412875.90..412876.44 rows=31 width=48) (actual time=4417.118..4417.271 rows=31 loops=1)
        ->  Seq Scan on payments  (cost=0.00..398712.55 rows=1888447 width=16) (actual time=0.021..3190.118 rows=1902774 loops=1)
              Filter: (created_at >= (now() - '30 days'::interval))
              Rows Removed by Filter: 16229983
              Buffers: shared hit=11842 read=236122
Planning Time: 0.184 ms
Execution Time: 4417.512 ms

### h20-100
Peux-tu rédiger le post-mortem à partir de ces notes ? Ton factuel, en français, une page maximum.

Incident INC-2024-0917 — indisponibilité de l'API de facturation, 17/09/2024
02:11  Échec de la migration en pré-production (voir job 10982713144).
02:40  Alerte « taux d'erreur 5xx > 5 % » sur l'API ; p99 à 4 417 ms, 1 902 774 requêtes en file.
03:05  Le serveur de base de données [[IP_ADDRESS|10.12.4.37]] refuse les connexions : le mot de passe du compte de service avait été changé la veille en [[SECRET|Fact-7Rq!pz94]] sans mise à jour du coffre.
03:30  Mise à jour du secret dans le coffre, redémarrage des 12 pods, reprise progressive.
04:02  Retour à la normale ; 0,41 % des requêtes perdues sur la période.
Actions : rotation des mots de passe via le coffre uniquement, alerte sur l'âge des secrets, test de connexion avant bascule.
