/** `scratchify verify`: the slim image against the fat one, check by check and contract by contract. */
export { verify, type VerifyOptions, type FatImageSource, type SlimImageSource } from './verify';
export { formatVerifyText, verifyJson, verdictOf, VERIFY_REPORT_VERSION, type VerifyReport, type CheckComparison, type Verdict } from './report';
export { compareContracts, contractOf, provenRewrites, resolveUser, type ContainerContract, type ContractDifference, type ProvenRewrite } from './contract';
