// JavaScript SDK v3 paginated Scan of the benchmark table; prints "items N".
// Credentials and region come from the environment (bench.py sets them).
import { DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";

const [endpoint, table] = process.argv.slice(2);
const client = new DynamoDBClient({ endpoint, region: "us-east-1" });
let n = 0;
for await (const page of paginateScan({ client }, { TableName: table })) n += page.Items.length;
console.log(`items ${n}`);
