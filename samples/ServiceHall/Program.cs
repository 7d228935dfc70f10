// The service-hall window (政务服务大厅综合窗口): a clerk enters an applicant's 统一社会信用代码 or
// 居民身份证号码 and a matter, sees the route the approval adapter gives (绿色通道, 容缺受理, 告知承诺,
// 从严审核 or 不予受理 with its legal basis), and confirms what was done, which is reported as feedback.
// dotnet run --project samples/ServiceHall [-- --urls http://127.0.0.1:5080] [--redis CONNSTR]
return await ServiceHall.ServiceHallApp.RunAsync(args);
