// The one checker for strings Envoy judges (RE2 regexes, header names and values, proto strings): the IR and every frontend use it.
export { escapeRegex, regexProblem } from './regex';
export { MAX_HEADER_BYTES, addedHeaderNameProblem, headerNameProblem, headerValueProblem, literalHeaderValue, mutableHeaderNameProblem } from './headers';
export { headerSafeProblem, maxBytesProblem, protoStringProblem } from './proto-string';
export { MAX_QUERY_NAME_BYTES, queryParamNameProblem, stringMatchProblem } from './string-match';
